/* Swanilai form, part "errors": a summary with links, a message beside each field (data-error-for)
 * and aria-invalid, in page order, from the page's checks or a 400's `fields`. */
(() => {
  "use strict";

  const S = (window.Swanilai = window.Swanilai || {});

  // page: the form's parts (form.js); pad: the signature pad; status: the line under Kirim.
  S.errorDisplay = function errorDisplay(page, pad, status) {
    const summary = page.summary;
    const nodes = new Map([...page.form.querySelectorAll("[data-error-for]")].map((n) => [n.dataset.errorFor, n]));
    // Page order of every field name, so server messages are listed as the page shows them.
    const order = [...nodes.keys()];
    const rank = (field) => order.indexOf(field);
    let shown = new Map(); // field name -> message currently displayed

    // Where a field lives: its controls, what takes focus and the box to mark; null if not on the page.
    function target(field) {
      const match = /^answers\[(.+)\]\.(verdict|evidence|files)(\[[0-9]+\])?$/.exec(field);
      if (match) {
        const el = page.byKey.get(match[1]);
        if (!el) return null;
        if (match[2] === "evidence") return { controls: [el.evidence], focus: el.evidence, box: el.evidence.parentNode };
        if (match[2] === "files") {
          const box = el.node.querySelector(".apl02-files");
          return { controls: [], focus: box.querySelector("input[type=file]"), box };
        }
        return { controls: el.radios, focus: el.radios.find((r) => r.checked) || el.radios[0], box: el.radios[0].closest("fieldset") };
      }
      if (field === page.signatureName) return { controls: [page.typed], focus: page.signatureField, box: page.signatureField };
      const control = page.form.elements.namedItem(field);
      if (!control || control === page.honeypot) return null;
      return { controls: [control], focus: control, box: control.closest(".apl02-field") || control };
    }

    function mark(field, message) {
      const node = nodes.get(field);
      const where = target(field);
      if (node) {
        node.textContent = message;
        node.hidden = !message;
      }
      if (where) {
        where.controls.forEach((c) => (message ? c.setAttribute("aria-invalid", "true") : c.removeAttribute("aria-invalid")));
        where.box.classList.toggle("is-invalid", Boolean(message));
      }
      if (field === page.signatureName) pad.invalid(Boolean(message));
    }

    const sorted = () => [...shown.keys()].sort((a, b) => rank(a) - rank(b));

    function renderSummary() {
      const list = summary.querySelector("ul");
      list.textContent = "";
      const fields = sorted();
      for (const field of fields) {
        const item = document.createElement("li");
        const where = target(field);
        if (where) {
          const link = document.createElement("a");
          link.href = `#${where.box.id || where.focus.id}`;
          link.dataset.field = field;
          link.textContent = shown.get(field);
          item.append(link);
        } else {
          item.textContent = shown.get(field);
        }
        list.append(item);
      }
      page.summaryTitle.textContent = `Periksa kembali isian Anda: ${fields.length} isian perlu diperbaiki`;
      summary.hidden = fields.length === 0;
    }

    function clear() {
      for (const field of shown.keys()) mark(field, "");
      shown = new Map();
      renderSummary();
    }

    // The field with its context: an element's answer is shown from the element's title, under the
    // sticky bar (scroll-margin-top in form.css), so the candidate sees what the message is about.
    function goTo(where) {
      where.focus.focus({ preventScroll: true });
      // From the element's title when the title and the field fit on the screen together.
      const element = where.box.closest(".apl02-element");
      const title = element && element.querySelector(".apl02-element-title");
      const span = title ? where.box.getBoundingClientRect().bottom - title.getBoundingClientRect().top : Infinity;
      S.reveal(span < window.innerHeight - S.covered() - 24 ? title : where.box);
    }

    // found: [field name, message] pairs, from the page's checks or a 400's `fields`.
    function show(found, { focus }) {
      clear();
      for (const [field, message] of found) {
        if (shown.has(field)) continue;
        shown.set(field, message);
        mark(field, message);
      }
      renderSummary();
      const first = sorted().map(target).find(Boolean);
      if (focus) {
        if (first) goTo(first);
        else summary.focus();
      }
      status(`Belum terkirim: ${shown.size} isian perlu diperbaiki. Daftarnya ada di bagian atas formulir.`);
    }

    // After a change to the fields `related`: found is what the checks say of them now. Only
    // messages already shown change, so a server's message elsewhere stays until that field changes.
    function recheck(found, related) {
      if (shown.size === 0) return;
      const now = new Map(found);
      let touched = false;
      for (const field of related) {
        if (!shown.has(field)) continue;
        const message = now.get(field) || "";
        if (message === shown.get(field)) continue;
        touched = true;
        if (message) shown.set(field, message);
        else shown.delete(field);
        mark(field, message);
      }
      if (touched) renderSummary();
    }

    summary.addEventListener("click", (event) => {
      const link = event.target.closest("a[data-field]");
      const where = link && target(link.dataset.field);
      if (!where) return;
      event.preventDefault();
      goTo(where);
    });

    return { show, clear, recheck, active: () => shown.size > 0 };
  };
})();
