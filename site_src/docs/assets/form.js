/* Swanilai: the candidate's FR.APL.02 form (one file, no dependencies, loaded with `defer`).
 *
 * - Every change is saved at once in localStorage under "swanilai:draft:<scheme id>", answers keyed
 *   by element key, and restored on reload. A draft saved under an older scheme version gives back
 *   the answers whose element key still exists; answers of keys no longer in the page are kept aside
 *   in the draft ("set_aside": never shown, never sent) so nothing typed is lost.
 * - Kirim validates everything in Bahasa Indonesia (summary with links + a message beside each field),
 *   then POSTs the submission JSON (DESIGN.md) to the form's data-api-url with the draft's
 *   submission_id as idempotency key. Network errors, 429 and 5xx keep the draft and retry with
 *   exponential backoff; after success the receipt is kept in "swanilai:receipt:<scheme id>" and only
 *   then is the draft removed.
 * - Personal data goes to localStorage and the API only: no logging, no other request.
 *
 * Test hooks: window.SWANILAI_RETRY_BASE_MS (or data-retry-base-ms on the form) sets the first retry
 * delay (default 2000 ms; delays double up to 15x that, 6 automatic tries); window.SWANILAI_TIMEOUT_MS
 * the request timeout (default 30000 ms).
 */
(() => {
  "use strict";

  const PREFIX = "swanilai:";
  const DRAFT_FORMAT = 1;
  const AUTO_TRIES = 6;
  const SIGNATURE = "signature";

  const MSG = {
    verdict: (u, n) => `Unit ${u}, elemen ${n}: pilih K atau BK.`,
    evidence: (u, n) => `Unit ${u}, elemen ${n}: tuliskan bukti yang relevan, karena Anda menjawab K.`,
    evidenceLong: (u, n, max) => `Unit ${u}, elemen ${n}: bukti terlalu panjang, paling banyak ${max} karakter.`,
    nameMissing: "Tuliskan Nama Asesi.",
    nameShort: "Nama Asesi terlalu pendek: tuliskan nama lengkap Anda.",
    email: "Email tidak valid: tuliskan alamat seperti nama@contoh.com, atau kosongkan.",
    phone: "Nomor telepon tidak valid: tuliskan nomor seperti 0812 3456 7890 atau +62 812 3456 7890, atau kosongkan kolom ini.",
    declaration: "Centang pernyataan bahwa jawaban Anda benar dan dapat dipertanggungjawabkan.",
    signature: "Tanda tangani kotak tanda tangan, atau ketik nama Anda sebagai tanda tangan.",
    signatureBig: "Tanda tangan terlalu besar untuk dikirim. Tekan \u201cHapus tanda tangan\u201d, lalu tanda tangani lagi.",
  };
  const SAFE = "Jawaban Anda aman tersimpan di perangkat ini, tetapi belum terkirim";
  const KEPT = "Jawaban Anda tetap tersimpan di perangkat ini.";

  const $ = (selector, root = document) => root.querySelector(selector);
  const length = (text) => [...text].length; // code points, as the handler counts

  function start() {
    const form = document.getElementById("apl02");
    if (form) bindForm(form);
  }

  function bindForm(form) {
    const data = form.dataset;
    const scheme = { id: data.schemeId, version: data.schemeVersion };
    const keys = {
      draft: `${PREFIX}draft:${scheme.id}`,
      receipt: `${PREFIX}receipt:${scheme.id}`,
      reloaded: `${PREFIX}reloaded:${scheme.id}`,
    };
    const limits = {
      nameMin: Number(data.nameMin) || 2,
      evidenceMax: Number(data.evidenceMax) || 2000,
      signatureMax: Number(data.signatureMax) || 204800,
      // The handler's own rule (handler/fields.py), so the page never accepts what the server refuses.
      phone: new RegExp(data.phonePattern || "^(\\+?[0-9 ().-]+)?$"),
      phoneDigits: (data.phoneDigits || "6-15").split("-").map(Number),
    };
    const elements = [...form.querySelectorAll(".apl02-element")].map((node) => ({
      node,
      key: node.dataset.key,
      unit: node.dataset.unit,
      number: node.dataset.number,
      radios: [...node.querySelectorAll("input[type=radio]")],
      evidence: $("textarea", node),
    }));
    const byKey = new Map(elements.map((el) => [el.key, el]));
    const name = $("#candidate-name");
    const email = $("#candidate-email");
    const phone = $("#candidate-phone");
    const declaration = $("#declaration");
    const typed = $("#signature-typed");
    const honeypot = $("#website");
    const signatureField = $("#signature-field");
    const submitButton = $("#submit");
    const retryButton = $("#retry");
    const sendStatus = $("#send-status");
    const notice = $("#notice");
    const summary = $("#error-summary");
    const receiptBox = $("#receipt");
    const errorNodes = new Map([...form.querySelectorAll("[data-error-for]")].map((n) => [n.dataset.errorFor, n]));
    // Page order of every field name, so server messages are listed as the page shows them.
    const order = [...errorNodes.keys()];
    const pad = signaturePad($("#signature-pad"), () => changed(signatureField));

    let draft = null;
    let shown = new Map(); // field name -> message currently displayed
    let sending = false;
    let attempt = 0;
    let retryTimer = 0;
    let retryPending = false;
    let staleHtml = false;

    // -- storage: every failure is reported, never thrown at the candidate

    const store = {
      read(key) {
        try {
          const raw = localStorage.getItem(key);
          return raw ? JSON.parse(raw) : null;
        } catch (err) {
          return null;
        }
      },
      write(key, value) {
        try {
          localStorage.setItem(key, JSON.stringify(value));
          return true;
        } catch (err) {
          return false;
        }
      },
      remove(key) {
        try {
          localStorage.removeItem(key);
        } catch (err) {
          /* nothing to keep */
        }
      },
    };

    function newId() {
      if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
      const b = crypto.getRandomValues(new Uint8Array(16));
      b[6] = (b[6] & 0x0f) | 0x40; // version 4
      b[8] = (b[8] & 0x3f) | 0x80; // RFC 4122 variant
      const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
    }

    function freshDraft() {
      return {
        format: DRAFT_FORMAT,
        scheme_id: scheme.id,
        scheme_version: scheme.version,
        submission_id: newId(),
        created_at: new Date().toISOString(),
        answers: {},
        candidate: { name: "", email: "", phone: "" },
        declaration: false,
        signature: { drawn: "", typed: "" },
        set_aside: {},
      };
    }

    function verdictOf(el) {
      const checked = el.radios.find((r) => r.checked);
      return checked ? checked.value : "";
    }

    function collect() {
      const answers = {};
      for (const el of elements) {
        const verdict = verdictOf(el);
        if (verdict || el.evidence.value) answers[el.key] = { verdict, evidence: el.evidence.value };
      }
      return {
        ...draft,
        scheme_version: scheme.version,
        saved_at: new Date().toISOString(),
        answers,
        candidate: { name: name.value, email: email.value, phone: phone.value },
        declaration: declaration.checked,
        signature: { drawn: pad.dataUrl(), typed: typed.value },
      };
    }

    function showSaved(when) {
      const status = $("#save-status");
      const time = new Intl.DateTimeFormat("id-ID", { timeZone: "Asia/Jakarta", timeStyle: "short" }).format(when);
      status.textContent = `Tersimpan otomatis ${time}`;
      status.classList.remove("is-error");
    }

    function save() {
      draft = collect();
      const ok = store.write(keys.draft, draft);
      const status = $("#save-status");
      if (ok) {
        showSaved(new Date());
      } else {
        status.textContent = "Jawaban tidak dapat disimpan di perangkat ini (penyimpanan peramban penuh atau dinonaktifkan). Jangan tutup halaman ini sebelum mengirim.";
        status.classList.add("is-error");
      }
    }

    // Put a draft's values into the page. Returns how many answers were restored and set aside.
    function apply(saved) {
      const setAside = { ...(saved.set_aside || {}) };
      let restored = 0;
      let putAside = 0;
      for (const el of elements) {
        el.radios.forEach((r) => (r.checked = false));
        el.evidence.value = "";
      }
      const answers = { ...setAside, ...(saved.answers || {}) };
      for (const [key, answer] of Object.entries(answers)) {
        const el = byKey.get(key);
        if (!el) {
          if (!setAside[key]) {
            setAside[key] = { ...answer, scheme_version: saved.scheme_version };
            putAside += 1;
          }
          continue;
        }
        delete setAside[key];
        el.radios.forEach((r) => (r.checked = r.value === answer.verdict));
        el.evidence.value = typeof answer.evidence === "string" ? answer.evidence : "";
        restored += 1;
      }
      const candidate = saved.candidate || {};
      name.value = candidate.name || "";
      email.value = candidate.email || "";
      phone.value = candidate.phone || "";
      declaration.checked = saved.declaration === true;
      const signature = saved.signature || {};
      typed.value = signature.typed || "";
      pad.load(signature.drawn || "");
      draft = { ...freshDraft(), ...saved, set_aside: setAside };
      const when = new Date(saved.saved_at);
      showSaved(Number.isNaN(when.getTime()) ? new Date() : when);
      progress();
      return { restored, putAside };
    }

    function restore() {
      const saved = store.read(keys.draft);
      if (!saved || saved.format !== DRAFT_FORMAT || !saved.submission_id) {
        draft = freshDraft();
        save();
        return;
      }
      const result = apply(saved);
      if (saved.scheme_version && saved.scheme_version !== scheme.version) {
        let text = "Skema ini telah diperbarui sejak Anda terakhir mengisi. Jawaban untuk elemen yang masih ada telah dipulihkan; periksa kembali sebelum mengirim.";
        if (result.putAside > 0) {
          text += ` ${result.putAside} jawaban untuk elemen yang sudah tidak ada di skema disimpan terpisah di perangkat ini dan tidak ikut dikirim.`;
        }
        say(text);
        save();
      }
    }

    // -- progress, date, notices

    function progress() {
      let answered = 0;
      for (const el of elements) {
        const done = verdictOf(el) !== "";
        el.node.classList.toggle("is-answered", done);
        if (done) answered += 1;
      }
      $("#progress-bar").value = answered;
      $("#progress-text").textContent = `${answered} dari ${elements.length} elemen terjawab`;
    }

    function showToday() {
      const now = new Date();
      const today = $("#today");
      today.textContent = new Intl.DateTimeFormat("id-ID", { timeZone: "Asia/Jakarta", dateStyle: "long" }).format(now);
      today.dateTime = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Jakarta" }).format(now);
    }

    function say(text) {
      notice.textContent = text;
      notice.hidden = !text;
    }

    function status(text, { retry = false, busy = false } = {}) {
      sendStatus.textContent = text;
      sendStatus.classList.toggle("is-busy", busy);
      sendStatus.classList.toggle("is-warning", retry);
      retryButton.hidden = !retry;
    }

    // -- validation

    function checkElement(el) {
      const found = [];
      const verdict = verdictOf(el);
      const evidence = el.evidence.value.trim();
      if (!verdict) found.push([el.radios[0].name, MSG.verdict(el.unit, el.number)]);
      if (verdict === "K" && !evidence) found.push([el.evidence.name, MSG.evidence(el.unit, el.number)]);
      else if (length(evidence) > limits.evidenceMax) {
        found.push([el.evidence.name, MSG.evidenceLong(el.unit, el.number, limits.evidenceMax)]);
      }
      return found;
    }

    function checkCandidate() {
      const found = [];
      const person = name.value.trim();
      if (!person) found.push([name.name, MSG.nameMissing]);
      else if (length(person) < limits.nameMin) found.push([name.name, MSG.nameShort]);
      const mail = email.value.trim();
      if (mail && !/^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/.test(mail)) found.push([email.name, MSG.email]);
      const tel = phone.value.trim();
      const digits = tel.replace(/\D/g, "").length;
      const [fewest, most] = limits.phoneDigits;
      if (tel && (!limits.phone.test(tel) || digits < fewest || digits > most)) found.push([phone.name, MSG.phone]);
      if (!declaration.checked) found.push([declaration.name, MSG.declaration]);
      const drawn = pad.dataUrl();
      if (drawn && drawn.length * 0.75 > limits.signatureMax) found.push([SIGNATURE, MSG.signatureBig]);
      else if (!drawn && !typed.value.trim()) found.push([SIGNATURE, MSG.signature]);
      return found;
    }

    function validate() {
      return [...elements.flatMap(checkElement), ...checkCandidate()];
    }

    // -- showing errors: a summary with links, a message beside each field, aria-invalid

    function target(field) {
      const match = /^answers\[(.+)\]\.(verdict|evidence)$/.exec(field);
      if (match) {
        const el = byKey.get(match[1]);
        if (!el) return null;
        if (match[2] === "evidence") return { controls: [el.evidence], focus: el.evidence, box: el.evidence.parentNode };
        return { controls: el.radios, focus: el.radios.find((r) => r.checked) || el.radios[0], box: el.radios[0].closest("fieldset") };
      }
      if (field === SIGNATURE) return { controls: [typed], focus: signatureField, box: signatureField };
      const control = form.elements.namedItem(field);
      if (!control || control === honeypot) return null;
      return { controls: [control], focus: control, box: control.closest(".apl02-field") || control };
    }

    function mark(field, message) {
      const node = errorNodes.get(field);
      const where = target(field);
      if (node) {
        node.textContent = message;
        node.hidden = !message;
      }
      if (where) {
        where.controls.forEach((c) => (message ? c.setAttribute("aria-invalid", "true") : c.removeAttribute("aria-invalid")));
        where.box.classList.toggle("is-invalid", Boolean(message));
      }
      if (field === SIGNATURE) pad.invalid(Boolean(message));
    }

    function renderSummary() {
      const list = $("ul", summary);
      list.textContent = "";
      const fields = [...shown.keys()].sort((a, b) => rank(a) - rank(b));
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
      $("#error-summary-title").textContent = fields.length === 1
        ? "Periksa kembali isian Anda: 1 isian perlu diperbaiki"
        : `Periksa kembali isian Anda: ${fields.length} isian perlu diperbaiki`;
      summary.hidden = fields.length === 0;
    }

    function rank(field) {
      const index = order.indexOf(field);
      return index < 0 ? -1 : index;
    }

    function clearErrors() {
      for (const field of shown.keys()) mark(field, "");
      shown = new Map();
      renderSummary();
    }

    function showErrors(found, { focus }) {
      clearErrors();
      for (const [field, message] of found) {
        if (shown.has(field)) continue;
        shown.set(field, message);
        mark(field, message);
      }
      renderSummary();
      const first = [...shown.keys()].sort((a, b) => rank(a) - rank(b)).map(target).find(Boolean);
      if (focus) {
        if (first) goTo(first);
        else summary.focus();
      }
      const count = shown.size;
      status(`Belum terkirim: ${count} isian perlu diperbaiki. Daftarnya ada di bagian atas formulir.`);
    }

    function goTo(where) {
      where.focus.focus({ preventScroll: true });
      where.box.scrollIntoView({ block: "start" });
    }

    // After a change, drop or update the messages of fields that are shown as wrong; add none.
    function recheck(control) {
      if (shown.size === 0) return;
      const node = control.closest && control.closest(".apl02-element");
      const el = node && byKey.get(node.dataset.key);
      const found = new Map(el ? checkElement(el) : checkCandidate());
      const related = el ? [el.radios[0].name, el.evidence.name] : [name.name, email.name, phone.name, declaration.name, SIGNATURE];
      let touched = false;
      for (const field of related) {
        if (!shown.has(field)) continue;
        const message = found.get(field) || "";
        if (message === shown.get(field)) continue;
        touched = true;
        if (message) shown.set(field, message);
        else shown.delete(field);
        mark(field, message);
      }
      if (touched) renderSummary();
    }

    function changed(control) {
      if (sending) return;
      save();
      progress();
      recheck(control);
    }

    // -- sending

    function body() {
      const answers = {};
      for (const el of elements) answers[el.key] = { verdict: verdictOf(el), evidence: el.evidence.value.trim() };
      const candidate = { name: name.value.trim() };
      if (email.value.trim()) candidate.email = email.value.trim();
      if (phone.value.trim()) candidate.phone = phone.value.trim();
      return {
        scheme: { id: scheme.id, version: scheme.version },
        submission_id: draft.submission_id,
        candidate,
        answers,
        declaration: true,
        signature: pad.dataUrl() || typed.value.trim(),
        website: honeypot.value,
      };
    }

    function lock(on) {
      form.setAttribute("aria-busy", String(on));
      for (const control of form.elements) control.disabled = on;
      pad.enable(!on);
    }

    function submit({ auto = false } = {}) {
      if (sending) return;
      clearTimeout(retryTimer);
      retryPending = false;
      const found = validate();
      if (found.length) {
        showErrors(found, { focus: !auto });
        return;
      }
      clearErrors();
      send(body());
    }

    async function send(payload) {
      const returnFocus = document.activeElement;
      sending = true;
      lock(true);
      status("Mengirim jawaban Anda\u2026", { busy: true });
      let response = null;
      let answer = {};
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), Number(window.SWANILAI_TIMEOUT_MS) || 30000);
      try {
        response = await fetch(data.apiUrl || "/api/submissions", {
          method: "POST",
          headers: { "Content-Type": "application/json", Accept: "application/json" },
          body: JSON.stringify(payload),
          credentials: "omit",
          cache: "no-store",
          signal: controller.signal,
        });
        answer = await response.json().catch(() => ({}));
      } catch (err) {
        response = null; // offline, DNS, CORS or timeout: all mean "not known to be stored"
      } finally {
        clearTimeout(timer);
      }
      sending = false;
      lock(false);
      if (returnFocus && returnFocus !== document.body && form.contains(returnFocus) && !form.hidden) returnFocus.focus();
      handle(response, answer || {});
    }

    function handle(response, answer) {
      if (!response) return retryLater("network", answer, null);
      const code = response.status;
      if ((code === 200 || code === 201) && answer.submission_id) {
        return succeed(answer, "Terima kasih. Asesmen mandiri Anda telah diterima.");
      }
      if (code === 409 && answer.error === "scheme_outdated") return outdated(answer);
      if (code === 409 && answer.error === "submission_conflict" && answer.receipt) {
        return succeed(answer.receipt, "Asesmen mandiri dengan nomor pengiriman ini sudah diterima sebelumnya. Berikut tanda terimanya; perubahan yang Anda buat setelah pengiriman itu tidak tercatat.");
      }
      if (code === 429 || code >= 500 || answer.retryable === true) return retryLater(code, answer, response);
      attempt = 0;
      if (code === 400 && answer.fields && Object.keys(answer.fields).length) {
        showErrors(Object.entries(answer.fields).map(([f, m]) => [f, String(m)]), { focus: true });
        return;
      }
      status(`${failure(code, answer)} ${KEPT}`, { retry: false });
    }

    function failure(code, answer) {
      const id = answer.request_id ? ` (kode permintaan: ${answer.request_id})` : "";
      if (typeof answer.message === "string" && answer.message) return answer.message + id;
      if (code >= 200 && code < 300) return "Jawaban server tidak dikenali, jadi belum pasti kiriman Anda tersimpan. Coba kirim lagi nanti, atau hubungi LSP.";
      const fallback = {
        400: "Kiriman tidak dapat diproses oleh server.",
        403: "Halaman ini tidak diizinkan mengirim ke server. Buka formulir dari situs resmi LSP.",
        404: "Skema ini tidak dikenal oleh server. Hubungi LSP.",
        413: "Kiriman terlalu besar. Persingkat bukti atau tanda tangani lagi dengan lebih sederhana.",
        415: "Server menolak format kiriman. Muat ulang halaman ini, lalu kirim lagi.",
      };
      return (fallback[code] || `Pengiriman gagal (kode ${code}).`) + id;
    }

    function retryLater(code, answer, response) {
      attempt += 1;
      const reasons = {
        network: "karena koneksi internet terputus atau terlalu lambat.",
        429: "karena server sedang menerima terlalu banyak kiriman.",
        503: "karena penyimpanan di server sedang tidak tersedia.",
      };
      let reason = reasons[code] || "karena server sedang bermasalah.";
      if (answer.request_id) reason = reason.replace(/\.$/, ` (kode permintaan: ${answer.request_id}).`);
      if (attempt > AUTO_TRIES) {
        retryPending = true;
        status(`${SAFE} ${reason} Tekan \u201cCoba kirim lagi\u201d saat koneksi sudah baik.`, { retry: true });
        return;
      }
      const base = Number(window.SWANILAI_RETRY_BASE_MS) || Number(data.retryBaseMs) || 2000;
      let delay = Math.min(base * 2 ** (attempt - 1), base * 15);
      const after = response && Number(response.headers.get("Retry-After"));
      if (after > 0) delay = Math.min(Math.max(delay, after * 1000), base * 30);
      const seconds = Math.max(1, Math.round(delay / 1000));
      status(`${SAFE} ${reason} Kami akan mencoba mengirim lagi otomatis dalam ${seconds} detik.`, { retry: true });
      retryPending = true;
      retryTimer = setTimeout(() => submit({ auto: true }), delay);
    }

    function outdated(answer) {
      let reloaded = null;
      try {
        reloaded = sessionStorage.getItem(keys.reloaded);
      } catch (err) {
        /* treat as not reloaded yet */
      }
      if (staleHtml || reloaded === scheme.version) {
        status(`Server sudah memakai versi skema yang lebih baru, tetapi halaman versi baru belum tersedia di perangkat Anda. ${KEPT} Coba muat ulang halaman ini beberapa menit lagi, lalu kirim kembali.`);
        return;
      }
      save();
      try {
        sessionStorage.setItem(keys.reloaded, scheme.version);
      } catch (err) {
        /* the reload still keeps the draft */
      }
      status(`${answer.message || "Skema ini telah diperbarui."} Halaman dimuat ulang; ${KEPT}`);
      location.reload();
    }

    function afterReload() {
      let reloaded = null;
      try {
        reloaded = sessionStorage.getItem(keys.reloaded);
        sessionStorage.removeItem(keys.reloaded);
      } catch (err) {
        return;
      }
      if (!reloaded) return;
      if (reloaded === scheme.version) {
        staleHtml = true;
        say(`Halaman telah dimuat ulang karena skema diperbarui, tetapi versi barunya belum tersedia. ${KEPT} Coba muat ulang halaman ini beberapa menit lagi, lalu tekan Kirim.`);
      } else if (notice.hidden) {
        say("Halaman telah dimuat ulang dengan versi skema terbaru. Jawaban Anda dipulihkan; periksa kembali, lalu tekan Kirim.");
      }
    }

    // -- the receipt

    function succeed(receipt, note) {
      attempt = 0;
      clearTimeout(retryTimer);
      retryPending = false;
      const kept = {
        submission_id: receipt.submission_id,
        received_at: receipt.received_at,
        scheme: receipt.scheme || scheme,
        sha256: receipt.sha256 || "",
        name: name.value.trim(),
        note,
      };
      const stored = store.write(keys.receipt, kept);
      store.remove(keys.draft);
      if (!stored) store.write(keys.receipt, kept); // removing the draft freed space
      status("");
      showReceipt(kept, true);
    }

    function wib(iso) {
      const when = new Date(iso);
      if (Number.isNaN(when.getTime())) return String(iso || "");
      const text = new Intl.DateTimeFormat("id-ID", { timeZone: "Asia/Jakarta", dateStyle: "long", timeStyle: "medium" }).format(when);
      return `${text} WIB`;
    }

    function showReceipt(receipt, focus) {
      $("#receipt-note").textContent = receipt.note || "Terima kasih. Asesmen mandiri Anda telah diterima.";
      $("#receipt-name").textContent = receipt.name || "\u2014";
      $("#receipt-id").textContent = receipt.submission_id;
      $("#receipt-time").textContent = wib(receipt.received_at);
      $("#receipt-sha").textContent = receipt.sha256 || "\u2014";
      form.hidden = true;
      receiptBox.hidden = false;
      document.documentElement.classList.add("apl02-has-receipt");
      if (focus) {
        $("#receipt-title").focus({ preventScroll: true });
        window.scrollTo(0, 0);
      }
    }

    function startNew() {
      store.remove(keys.receipt);
      receiptBox.hidden = true;
      document.documentElement.classList.remove("apl02-has-receipt");
      form.reset();
      pad.load("");
      clearErrors();
      status("");
      say("");
      draft = freshDraft();
      save();
      progress();
      form.hidden = false;
      window.scrollTo(0, 0);
      $(".apl02-title", form).focus();
    }

    // -- wiring

    form.addEventListener("submit", (event) => {
      event.preventDefault();
      attempt = 0;
      submit();
    });
    form.addEventListener("input", (event) => {
      if (event.target !== honeypot) changed(event.target);
    });
    form.addEventListener("change", (event) => {
      if (event.target !== honeypot) changed(event.target);
    });
    summary.addEventListener("click", (event) => {
      const link = event.target.closest("a[data-field]");
      const where = link && target(link.dataset.field);
      if (!where) return;
      event.preventDefault();
      goTo(where);
    });
    $("#signature-clear").addEventListener("click", () => {
      pad.clear();
    });
    retryButton.addEventListener("click", () => {
      attempt = 0;
      submit();
    });
    window.addEventListener("online", () => {
      if (retryPending && !sending) {
        attempt = 0;
        submit({ auto: true });
      }
    });
    // Another tab of the same scheme saved or sent: follow it instead of overwriting it later.
    window.addEventListener("storage", (event) => {
      if (sending || !event.newValue) return;
      try {
        if (event.key === keys.draft && !form.hidden) apply(JSON.parse(event.newValue));
        else if (event.key === keys.receipt) showReceipt(JSON.parse(event.newValue), false);
      } catch (err) {
        /* a broken value from elsewhere changes nothing here */
      }
    });
    $("#receipt-print").addEventListener("click", () => window.print());
    $("#receipt-new").addEventListener("click", startNew);
    $(".apl02-title", form).tabIndex = -1;

    showToday();
    const receipt = store.read(keys.receipt);
    if (receipt && receipt.submission_id) {
      const saved = store.read(keys.draft);
      if (saved && saved.submission_id === receipt.submission_id) store.remove(keys.draft);
      showReceipt(receipt, false);
      draft = freshDraft();
      return;
    }
    restore();
    afterReload();
    progress();
  }

  // -- the signature pad: pointer events (finger, pen, mouse), fixed backing size, PNG data URL

  function signaturePad(canvas, onChange) {
    const ctx = canvas.getContext("2d");
    let url = "";
    let pointer = null;
    let last = null;
    let enabled = true;

    function at(event) {
      const box = canvas.getBoundingClientRect();
      return [(event.clientX - box.left) * (canvas.width / box.width), (event.clientY - box.top) * (canvas.height / box.height)];
    }

    function line(from, to) {
      ctx.beginPath();
      ctx.moveTo(from[0], from[1]);
      ctx.lineTo(to[0], to[1]);
      ctx.stroke();
    }

    function label() {
      canvas.setAttribute("aria-label", url ? "Kotak tanda tangan, sudah ditandatangani" : "Kotak tanda tangan, kosong");
      canvas.classList.toggle("is-signed", Boolean(url));
    }

    canvas.addEventListener("pointerdown", (event) => {
      if (!enabled || pointer !== null || event.button > 0) return;
      event.preventDefault();
      canvas.setPointerCapture(event.pointerId);
      pointer = event.pointerId;
      // About 2.5 CSS pixels wide whatever the screen, in the canvas's own pixels.
      ctx.lineWidth = 2.5 * (canvas.width / canvas.getBoundingClientRect().width);
      ctx.lineCap = "round";
      ctx.lineJoin = "round";
      ctx.strokeStyle = "#111";
      last = at(event);
      line(last, [last[0] + 0.1, last[1]]);
    });
    canvas.addEventListener("pointermove", (event) => {
      if (event.pointerId !== pointer) return;
      event.preventDefault();
      const events = event.getCoalescedEvents ? event.getCoalescedEvents() : [];
      for (const each of events.length ? events : [event]) {
        const point = at(each);
        line(last, point);
        last = point;
      }
    });
    const end = (event) => {
      if (event.pointerId !== pointer) return;
      pointer = null;
      url = canvas.toDataURL("image/png");
      label();
      onChange();
    };
    canvas.addEventListener("pointerup", end);
    canvas.addEventListener("pointercancel", end);

    return {
      dataUrl: () => url,
      enable(on) {
        enabled = on;
      },
      invalid(on) {
        canvas.parentNode.classList.toggle("is-invalid", on);
      },
      clear() {
        ctx.clearRect(0, 0, canvas.width, canvas.height);
        url = "";
        label();
        onChange();
      },
      load(saved) {
        ctx.clearRect(0, 0, canvas.width, canvas.height);
        url = typeof saved === "string" && saved.startsWith("data:image/png;base64,") ? saved : "";
        label();
        if (!url) return;
        const image = new Image();
        image.onload = () => ctx.drawImage(image, 0, 0, canvas.width, canvas.height);
        image.src = url;
      },
    };
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
