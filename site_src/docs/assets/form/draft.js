/* Swanilai form, part "draft": answers saved in localStorage ("swanilai:draft:<scheme id>") as the
 * candidate types and restored on reload. Answers of elements a newer scheme no longer has are kept
 * aside in the draft ("set_aside": never shown, never sent). Its submission_id is the idempotency key;
 * its status_key (256 random bits, made with the draft) is the secret of the status link: only its
 * SHA-256 is ever sent. A revision's draft also names the submission it revises and that one's secret.
 * Evidence files are kept by reference (name, size, type, sha256): their bytes wait in IndexedDB. */
(() => {
  "use strict";

  const S = (window.Swanilai = window.Swanilai || {});
  const FORMAT = 1;

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; // version 4
    b[8] = (b[8] & 0x3f) | 0x80; // RFC 4122 variant
    const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  // page: the form's parts (form.js); pad: the signature pad; say: show a notice; progress: recount.
  S.draft = function draft(page, pad, parts) {
    const { say, progress } = parts;
    const store = S.storage;
    let current = null;

    function fresh() {
      return {
        format: FORMAT,
        scheme_id: page.scheme.id,
        scheme_version: page.scheme.version,
        submission_id: newId(),
        status_key: S.bytes.secret(),
        revises: null,
        created_at: new Date().toISOString(),
        answers: {},
        candidate: { name: "", email: "", phone: "" },
        declaration: false,
        consent: false,
        signature: { drawn: "", typed: "" },
        set_aside: {},
      };
    }

    function collect() {
      const answers = {};
      for (const el of page.elements) {
        const verdict = page.verdictOf(el);
        const files = parts.files ? parts.files.of(el.key) : [];
        if (verdict || el.evidence.value || files.length) answers[el.key] = { verdict, evidence: el.evidence.value, files };
      }
      return {
        ...current,
        scheme_version: page.scheme.version,
        saved_at: new Date().toISOString(),
        answers,
        candidate: { name: page.name.value, email: page.email.value, phone: page.phone.value },
        declaration: page.declaration.checked,
        consent: page.consent.checked,
        signature: { drawn: pad.dataUrl(), typed: page.typed.value },
      };
    }

    function showSaved(when) {
      page.saveStatus.textContent = `Tersimpan otomatis ${S.wibClock(when)}`;
      page.saveStatus.classList.remove("is-error");
    }

    function save() {
      current = collect();
      if (store.write(page.keys.draft, current)) {
        showSaved(new Date());
      } else {
        page.saveStatus.textContent = "Jawaban tidak dapat disimpan di perangkat ini (penyimpanan peramban penuh atau dinonaktifkan). Jangan tutup halaman ini sebelum mengirim.";
        page.saveStatus.classList.add("is-error");
      }
    }

    // Put a draft's values into the page. Returns how many answers were restored and set aside.
    function apply(saved) {
      const setAside = { ...(saved.set_aside || {}) };
      let restored = 0;
      let putAside = 0;
      for (const el of page.elements) {
        el.radios.forEach((r) => (r.checked = false));
        el.evidence.value = "";
      }
      const answers = { ...setAside, ...(saved.answers || {}) };
      for (const [key, answer] of Object.entries(answers)) {
        const el = page.byKey.get(key);
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
      if (parts.files) parts.files.load(answers, page.byKey);
      const candidate = saved.candidate || {};
      page.name.value = candidate.name || "";
      page.email.value = candidate.email || "";
      page.phone.value = candidate.phone || "";
      page.declaration.checked = saved.declaration === true;
      page.consent.checked = saved.consent === true;
      const signature = saved.signature || {};
      page.typed.value = signature.typed || "";
      pad.load(signature.drawn || "");
      current = { ...fresh(), ...saved, set_aside: setAside };
      if (!current.status_key) current.status_key = S.bytes.secret(); // a draft from before status links
      const when = new Date(saved.saved_at);
      showSaved(Number.isNaN(when.getTime()) ? new Date() : when);
      progress();
      return { restored, putAside };
    }

    function restore() {
      const saved = store.read(page.keys.draft);
      if (!saved || saved.format !== FORMAT || !saved.submission_id) {
        current = fresh();
        save();
        return;
      }
      const result = apply(saved);
      if (saved.scheme_version && saved.scheme_version !== page.scheme.version) {
        let text = "Skema ini telah diperbarui sejak Anda terakhir mengisi. Jawaban untuk elemen yang masih ada telah dipulihkan; periksa kembali sebelum mengirim.";
        if (result.putAside > 0) {
          text += ` ${result.putAside} jawaban untuk elemen yang sudah tidak ada di skema disimpan terpisah di perangkat ini dan tidak ikut dikirim.`;
        }
        say(text);
        save();
      }
    }

    // Start over with a new submission id (after a receipt); a revision starts from what was sent.
    function renew(from = null, revises = null) {
      current = fresh();
      if (from) apply({ ...from, format: FORMAT, submission_id: current.submission_id, status_key: current.status_key, revises, set_aside: {} });
      current.revises = revises;
      save();
    }

    return {
      save,
      apply,
      restore,
      renew,
      discard: () => store.remove(page.keys.draft),
      submissionId: () => current.submission_id,
      current: () => current,
      // What the payload carries of the draft's secrets: the hash of its own, the earlier one's proof.
      async secrets() {
        const out = { status_key_sha256: await S.bytes.sha256(current.status_key), revises: null };
        if (current.revises) out.revises = { submission_id: current.revises.submission_id, status_key: current.revises.status_key };
        return out;
      },
      // A receipt is kept: the draft it came from must not come back.
      forget(submissionId) {
        const saved = store.read(page.keys.draft);
        if (saved && saved.submission_id === submissionId) store.remove(page.keys.draft);
        current = fresh();
      },
    };
  };
})();
