/* Swanilai: the candidate's FR.APL.02 form. This file finds the page's parts and wires them up;
 * the work is done by the parts before it, in this order (swanilai/slim.py FORM_PARTS). The built form
 * page loads them joined and minified as one file, assets/form.min.js; each part stays its own file here,
 * readable and tested on its own:
 *
 *   checks.js     the rule table (handler/fields.py, embedded as JSON) and the checks it defines
 *   store.js      localStorage, IndexedDB (shared with the service worker) and byte helpers
 *   draft.js      answers kept in this browser as the candidate types, restored on reload
 *   errors.js     the error summary and the message beside each field
 *   pad.js        the signature pad
 *   files.js      evidence files: checked, photos shrunk, uploaded in the background
 *   sending.js    Kirim: check, wait for uploads, POST once, retry, outbox, reload for a newer scheme
 *   receipt.js    what is kept after sending: receipt, the copy of what was sent, the status link
 *   status.js     the status link's page and "Ubah dan kirim ulang"
 *   draftfile.js  the draft saved to and opened from a file
 *
 * The service worker (sw.js at the site's root) is registered once the page has loaded.
 * Without a readable rule table the form cannot check anything: the page says so and stays inert.
 * Personal data goes to localStorage and the API only: no logging, no other request.
 */
(() => {
  "use strict";

  const S = (window.Swanilai = window.Swanilai || {});
  const PREFIX = "swanilai:";

  function start() {
    const form = document.getElementById("apl02");
    if (!form) return;
    const rules = S.readRules(document);
    if (!rules) {
      refuse(form);
      return;
    }
    S.form = bind(form, rules);
  }

  // No rule table: say why the form cannot be used (the sentence is the template's own) and lock it.
  function refuse(form) {
    document.getElementById("rules-missing").hidden = false;
    for (const control of form.elements) control.disabled = true;
  }

  // The page's parts, found once: nodes by id, the elements in page order, the scheme and its keys.
  function pageOf(form, rules) {
    const $ = (id) => document.getElementById(id);
    const scheme = { id: form.dataset.schemeId, version: form.dataset.schemeVersion };
    const elements = [...form.querySelectorAll(".apl02-element")].map((node) => ({
      node,
      key: node.dataset.key,
      unit: node.dataset.unit,
      number: node.dataset.number,
      radios: [...node.querySelectorAll("input[type=radio]")],
      evidence: node.querySelector("textarea"),
    }));
    return {
      form,
      scheme,
      elements,
      byKey: new Map(elements.map((el) => [el.key, el])),
      keys: {
        draft: `${PREFIX}draft:${scheme.id}`,
        receipt: `${PREFIX}receipt:${scheme.id}`,
        reloaded: `${PREFIX}reloaded:${scheme.id}`,
      },
      signatureName: rules.fields.signature,
      name: $("candidate-name"),
      email: $("candidate-email"),
      phone: $("candidate-phone"),
      declaration: $("declaration"),
      consent: $("consent"),
      rules,
      typed: $("signature-typed"),
      honeypot: $("website"),
      signatureField: $("signature-field"),
      retryButton: $("retry"),
      sendStatus: $("send-status"),
      saveStatus: $("save-status"),
      notice: $("notice"),
      summary: $("error-summary"),
      summaryTitle: $("error-summary-title"),
      receiptBox: $("receipt"),
      title: form.querySelector(".apl02-title"),
      verdictOf(el) {
        const checked = el.radios.find((r) => r.checked);
        return checked ? checked.value : "";
      },
    };
  }

  function bind(form, rules) {
    const page = pageOf(form, rules);
    const checks = S.checks(rules);
    const parts = { checks };

    // The submission exactly as it would be sent: what the checks judge is what the server gets.
    page.payload = () => {
      const answers = {};
      for (const el of page.elements) {
        answers[el.key] = { verdict: page.verdictOf(el), evidence: checks.trim(el.evidence.value) };
        const files = parts.files.sent(el.key);
        if (files.length) answers[el.key].files = files;
      }
      const candidate = { name: checks.trim(page.name.value) };
      const email = checks.trim(page.email.value);
      const phone = checks.trim(page.phone.value);
      if (email) candidate.email = email;
      if (phone) candidate.phone = phone;
      return {
        scheme: { ...page.scheme },
        submission_id: parts.draft.submissionId(),
        candidate,
        answers,
        declaration: page.declaration.checked,
        consent: { given: page.consent.checked, notice_version: page.form.dataset.noticeVersion },
        signature: parts.pad.dataUrl() || checks.trim(page.typed.value),
        website: page.honeypot.value,
      };
    };

    parts.say = (text) => {
      page.notice.textContent = text;
      page.notice.hidden = !text;
    };
    parts.status = (text, { retry = false, busy = false } = {}) => {
      page.sendStatus.textContent = text;
      page.sendStatus.classList.toggle("is-busy", busy);
      page.sendStatus.classList.toggle("is-warning", retry);
      page.retryButton.hidden = !retry;
    };
    parts.progress = () => {
      let answered = 0;
      for (const el of page.elements) {
        const done = page.verdictOf(el) !== "";
        el.node.classList.toggle("is-answered", done);
        if (done) answered += 1;
      }
      document.getElementById("progress-bar").value = answered;
      document.getElementById("progress-text").textContent = `${answered} dari ${page.elements.length} elemen terjawab`;
    };
    parts.pad = S.signaturePad(document.getElementById("signature-pad"), rules.signature_png.prefix, () => changed(page.signatureField));
    parts.files = S.files(page, parts, rules.evidence);
    parts.draft = S.draft(page, parts.pad, parts);
    parts.errors = S.errorDisplay(page, parts.pad, parts.status);
    parts.receipt = S.receipt(page, parts);
    parts.statusPage = S.status(page, parts);
    parts.draftFile = S.draftFile(page, parts);
    const sending = S.sending(page, parts);
    parts.settle = sending.settle;

    // The fields a change can affect: its element's two, or the candidate's part of the form.
    function related(control) {
      const node = control.closest && control.closest(".apl02-element");
      const el = node && page.byKey.get(node.dataset.key);
      if (el) return [el.radios[0].name, el.evidence.name];
      const f = rules.fields;
      return [f.name, f.email, f.phone, f.declaration, f.consent, f.signature];
    }

    function changed(control) {
      if (sending.busy()) return;
      parts.draft.save();
      parts.progress();
      if (parts.errors.active()) parts.errors.recheck(checks.all(page.payload(), page.elements), related(control));
    }

    form.addEventListener("submit", (event) => {
      event.preventDefault();
      sending.submit({ again: true });
    });
    for (const type of ["input", "change"]) {
      form.addEventListener(type, (event) => {
        if (event.target !== page.honeypot && event.target.type !== "file") changed(event.target);
      });
    }
    document.getElementById("signature-clear").addEventListener("click", () => parts.pad.clear());
    page.retryButton.addEventListener("click", () => sending.submit({ again: true }));
    window.addEventListener("online", () => sending.online());
    // Another tab of the same scheme saved or sent: follow it instead of overwriting it later.
    window.addEventListener("storage", (event) => {
      if (sending.busy() || !event.newValue) return;
      try {
        if (event.key === page.keys.draft && !form.hidden) parts.draft.apply(JSON.parse(event.newValue));
        else if (event.key === page.keys.receipt) parts.receipt.show(JSON.parse(event.newValue), false);
      } catch (err) {
        /* a broken value from elsewhere changes nothing here */
      }
    });
    page.title.tabIndex = -1;

    showToday();
    const kept = parts.receipt.kept();
    const link = S.readStatusLink(location.hash, rules);
    const saved = S.storage.read(page.keys.draft);
    const revising = kept && saved && saved.revises && saved.revises.submission_id === kept.submission_id;
    if (kept && kept.submission_id && !revising) {
      parts.draft.forget(kept.submission_id);
      if (!link) parts.receipt.show(kept, false);
    } else {
      parts.draft.restore();
      sending.afterReload();
      parts.progress();
      if (revising) parts.statusPage.showNotes(saved.review_notes);
      sending.resume();
    }
    if (link) parts.statusPage.open(link);
    window.addEventListener("hashchange", () => {
      const next = S.readStatusLink(location.hash, rules);
      if (next) parts.statusPage.open(next);
    });
    worker(sending);
    return { checks, elements: page.elements.map(({ key, unit, number }) => ({ key, unit, number })), payload: page.payload };
  }

  // The service worker (offline pages, the outbox), once the page has loaded: never on file://,
  // where browsers refuse it, and never before the page's own requests.
  function worker(sending) {
    if (!("serviceWorker" in navigator) || !/^https?:$/.test(location.protocol)) return;
    const url = document.getElementById("apl02").dataset.worker;
    navigator.serviceWorker.addEventListener("message", (event) => {
      if (event.data && event.data.type === "sent") sending.sentElsewhere(event.data);
    });
    const register = () => navigator.serviceWorker.register(url).catch(() => {});
    if (document.readyState === "complete") register();
    else window.addEventListener("load", register, { once: true });
  }

  function showToday() {
    const now = new Date();
    const today = document.getElementById("today");
    today.textContent = S.wibDate(now);
    today.dateTime = S.wibDay(now);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
