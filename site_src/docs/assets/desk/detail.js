/* Swanilai desk, part "open one": a submission's facts, its verification, its revisions, the filled
 * FR.APL.02 exactly as the API renders it (the renderer `assessor.py render` uses), and every review.
 *
 * The form is shown in an iframe from `srcdoc`: sandboxed without allow-scripts, so nothing in it can
 * run, and without forms, popups or navigation. allow-same-origin lets this page size it and print it
 * (allow-modals is what print() needs); it inherits the site's CSP, so its stylesheet is the site's
 * own file. Printing prints that document with its A4 stylesheet, the same layout as the CLI's PDF;
 * the title it carries becomes the saved PDF's name: "FR.APL.02 <candidate> <WIB day received>".
 */
(() => {
  "use strict";

  const D = window.Swanilai.desk;

  D.detail = function detail(api, ui, review) {
    const $ = (id) => document.getElementById(id);
    const frame = $("detail-frame");
    const printButton = $("detail-print");
    let asked = 0;
    let printTitle = "";
    let openedId = null;

    function fact(term, ...value) {
      return [D.el("dt", {}, term), D.el("dd", {}, ...value)];
    }

    function warning(text, ...extra) {
      return D.el("p", { className: "desk-notice desk-notice--warning" }, text, ...extra);
    }

    function showFacts(data) {
      const record = data.record;
      const scheme = record.scheme || {};
      const candidate = record.candidate || {};
      const answers = Object.values(record.answers || {});
      const count = (verdict) => answers.filter((answer) => answer && answer.verdict === verdict).length;
      const verification = data.verification || {};
      const matches = verification.matches_receipt === true;
      const items = [
        ...fact("Skema", `${scheme.number || scheme.id || ""} · ${scheme.title || ""}`),
        ...fact("Diterima", D.el("time", { dateTime: record.received_at || "" }, D.wibLong(record.received_at))),
        ...fact("ID kiriman", D.el("code", {}, record.submission_id)),
        ...fact("Jawaban", `${count("K")} K (kompeten), ${count("BK")} BK (belum kompeten)`),
      ];
      if (candidate.email) items.push(...fact("Email asesi", candidate.email));
      if (candidate.phone) items.push(...fact("Telepon asesi", candidate.phone));
      items.push(...fact("Kode verifikasi tanda terima", D.el("code", { className: "desk-code" }, verification.sha256 || "\u2014")));
      items.push(
        ...fact(
          "Keaslian",
          D.el(
            "span",
            { className: matches ? "desk-ok" : "desk-bad" },
            matches
              ? "Cocok: isi yang tersimpan sama persis dengan tanda terima asesi."
              : "TIDAK cocok: isi yang tersimpan berbeda dari tanda terima asesi. Jangan lanjutkan; laporkan kepada admin LSP.",
          ),
        ),
      );
      $("detail-facts").replaceChildren(...items);
    }

    function showWarnings(data, filter) {
      const notes = [];
      if (data.concurrent_reviews) {
        notes.push(
          warning(
            "Lebih dari satu asesor meninjau kiriman ini pada waktu yang hampir bersamaan. Semua keputusan disimpan; yang berlaku adalah yang tercatat paling akhir. Periksa riwayat tinjauan di bawah.",
          ),
        );
      }
      const id = data.record.submission_id;
      const chain = data.chain || [];
      const at = chain.findIndex((entry) => entry.submission_id === id);
      const newest = chain.length ? chain[chain.length - 1] : null;
      if (newest && at >= 0 && at < chain.length - 1) {
        notes.push(
          warning(
            "Asesi sudah mengirim revisi kiriman ini. ",
            D.el("a", { href: D.writeFragment({ id: newest.submission_id, ...filter }) }, "Buka revisi terbaru"),
            ".",
          ),
        );
      }
      $("detail-warnings").replaceChildren(...notes);
    }

    function showChain(data, filter) {
      const chain = data.chain || [];
      const box = $("detail-chain");
      box.hidden = chain.length < 2;
      if (box.hidden) return;
      const id = data.record.submission_id;
      $("detail-chain-list").replaceChildren(
        ...chain.map((entry, n) => {
          const label = `${n === 0 ? "Kiriman pertama" : `Revisi ke-${n}`}, diterima ${D.wib(entry.received_at)}`;
          if (entry.submission_id === id) return D.el("li", { "aria-current": "page" }, D.el("strong", {}, label), " (sedang dibuka)");
          return D.el("li", {}, D.el("a", { href: D.writeFragment({ id: entry.submission_id, ...filter }) }, label));
        }),
      );
    }

    function showHistory(data) {
      const reviews = data.reviews || [];
      const counting = data.current_review ? reviewKey(data.current_review) : null;
      $("history-empty").hidden = reviews.length > 0;
      $("history").replaceChildren(
        ...reviews.map((each) => {
          const who = each.assessor || {};
          const elementNotes = Object.entries(each.element_notes || {}).filter(([, text]) => text);
          const signature = each.signature && each.signature.data_url;
          const counts = counting !== null && reviewKey(each) === counting;
          return D.el(
            "li",
            { className: counts ? "desk-review desk-review--current" : "desk-review" },
            D.el(
              "p",
              { className: "desk-review-head" },
              D.el("strong", {}, D.OUTCOMES[each.outcome] || D.STATES[each.outcome] || each.outcome || "\u2014"),
              counts ? D.el("span", { className: "desk-badge" }, "berlaku") : null,
            ),
            D.el(
              "p",
              {},
              `${who.name || "\u2014"}${who.registration ? `, No. Reg. ${who.registration}` : ""} · `,
              D.el("time", { dateTime: each.reviewed_at || "" }, D.wibLong(each.reviewed_at)),
            ),
            each.notes ? D.el("p", { className: "desk-review-notes" }, each.notes) : null,
            elementNotes.length
              ? D.el("ul", { className: "desk-review-elements" }, ...elementNotes.map(([key, text]) => D.el("li", {}, D.el("strong", {}, `${elementName(data.record, key)}: `), text)))
              : null,
            signature && signature.startsWith("data:image/png;base64,")
              ? D.el("img", { src: signature, alt: `Tanda tangan ${who.name || "asesor"}`, className: "desk-review-signature" })
              : null,
          );
        }),
      );
    }

    // "Unit M.70MKT00.019.2, elemen 2" for an element key, from the record's own scheme text.
    function elementName(record, key) {
      for (const unit of (record.scheme && record.scheme.units) || []) {
        for (const element of unit.elements || []) {
          if (element.key === key) return `${unit.code || unit.title}, elemen ${element.number}`;
        }
      }
      return key;
    }

    function showForm(html, record) {
      printButton.disabled = true;
      const day = D.wibDay(record.received_at);
      printTitle = `FR.APL.02 ${D.safeFileName((record.candidate || {}).name)} ${day}`.trim();
      frame.srcdoc = html;
    }

    // The frame as tall as the form, so the page scrolls and not the frame; on a phone, as wide as
    // the form's table needs (the paper layout), its box then scrolling sideways instead of the page.
    function fit() {
      const doc = frame.contentDocument;
      if (!doc || !doc.documentElement) return;
      frame.style.width = "";
      // A wider frame lays the form out again; a few rounds settle it.
      for (let round = 0; round < 3 && doc.documentElement.scrollWidth > frame.clientWidth; round += 1) {
        frame.style.width = `${doc.documentElement.scrollWidth + 2}px`;
      }
      frame.style.height = `${doc.documentElement.scrollHeight + 4}px`;
      // A box that scrolls sideways must be reachable by keyboard, and say so.
      const wrap = $("detail-frame-wrap");
      const scrolls = wrap.scrollWidth > wrap.clientWidth;
      if (scrolls) wrap.tabIndex = 0;
      else wrap.removeAttribute("tabindex");
      wrap.setAttribute("aria-label", scrolls ? "Formulir FR.APL.02 terisi, dapat digulir ke samping" : "Formulir FR.APL.02 terisi");
    }

    // Each evidence file the form lists (li.file[data-sha256]) gets its download beside it, in the
    // element it proves: a five-minute link the API signs for this account (GET .../files/{sha256})
    // when the button is pressed, never a link kept in the page. The frame runs no script; the
    // buttons' handlers are this page's.
    function offerFiles(doc) {
      for (const item of doc.querySelectorAll("li.file[data-sha256]")) {
        const name = (item.firstChild ? item.firstChild.textContent : "").replace(/\s*\(\d+ KB\)\s*$/, "").trim();
        const button = doc.createElement("button");
        button.type = "button";
        button.className = "file-open";
        button.textContent = "Unduh";
        button.setAttribute("aria-label", `Unduh ${name}`);
        button.addEventListener("click", () => download(item.dataset.sha256, button));
        item.append(" ", button);
      }
    }

    async function download(sha256, button) {
      const id = openedId;
      button.disabled = true;
      try {
        const path = `/desk/submissions/${encodeURIComponent(id)}/files/${encodeURIComponent(sha256)}`;
        const { url } = await api.json("GET", path);
        // The answer downloads under the file's name (Content-Disposition): this page stays.
        const link = D.el("a", { href: url, rel: "noopener" });
        document.body.append(link);
        link.click();
        link.remove();
      } catch (err) {
        if (err.status !== 401) ui.alert(err.status === 404 ? "Berkas bukti ini tidak ditemukan pada kiriman tersebut. Muat ulang kiriman, lalu coba lagi." : err.message);
      } finally {
        button.disabled = false;
      }
    }

    frame.addEventListener("load", () => {
      const doc = frame.contentDocument;
      if (!doc || !frame.srcdoc) return;
      doc.title = printTitle;
      offerFiles(doc);
      fit();
      printButton.disabled = false;
    });
    let resizing = 0;
    window.addEventListener("resize", () => {
      clearTimeout(resizing);
      resizing = setTimeout(fit, 150);
    });

    // The fragment is the desk's route, so this link moves focus itself instead of jumping.
    $("detail-skip").addEventListener("click", (event) => {
      event.preventDefault();
      $("review-title").focus();
    });

    printButton.addEventListener("click", () => {
      const saved = document.title;
      // Chromium names a saved PDF after the printed document's title: the frame's, and this page's too.
      document.title = printTitle;
      if (frame.contentDocument) frame.contentDocument.title = printTitle;
      window.addEventListener("afterprint", () => (document.title = saved), { once: true });
      frame.contentWindow.focus();
      frame.contentWindow.print();
    });

    const reviewKey = (each) => each.key || `${each.reviewed_at}|${(each.assessor || {}).sub || ""}`;

    function clear() {
      asked += 1;
      $("detail-title").textContent = "";
      for (const id of ["detail-facts", "detail-warnings", "history"]) $(id).replaceChildren();
      $("detail-chain").hidden = true;
      $("history-empty").hidden = true;
      frame.removeAttribute("srcdoc");
      frame.style.height = "";
      frame.style.width = "";
      printButton.disabled = true;
      review.hide();
    }

    return {
      clear,
      async open(id, filter) {
        clear();
        const mine = asked;
        $("detail-back").href = D.writeFragment(filter);
        $("detail-title").textContent = "Memuat kiriman…";
        try {
          const path = `/desk/submissions/${encodeURIComponent(id)}`;
          const [data, html] = await Promise.all([api.json("GET", path), api.text(`${path}/form`)]);
          if (mine !== asked) return;
          openedId = id;
          const name = (data.record.candidate || {}).name || "(tanpa nama)";
          $("detail-title").textContent = name;
          document.title = `${name} · Meja Asesor`;
          showFacts(data);
          showWarnings(data, filter);
          showChain(data, filter);
          showHistory(data);
          showForm(html, data.record);
          review.prepare(data, data.current_review ? reviewKey(data.current_review) : null);
        } catch (err) {
          if (mine !== asked) return;
          $("detail-title").textContent = "Kiriman tidak dapat dibuka";
          if (err.status !== 401) ui.alert(err.status === 404 ? "Kiriman ini tidak ditemukan. Mungkin ID-nya salah, atau kiriman sudah dihapus." : err.message);
        }
      },
    };
  };
})();
