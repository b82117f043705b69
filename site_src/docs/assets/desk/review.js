/* Swanilai desk, part "review": the assessor's decision on one submission, signed.
 *
 * Three outcomes; "Perlu perbaikan" sends the submission back to the candidate with a general note
 * (required) and optional notes per element. The signature is drawn on the candidate form's own pad
 * (assets/form/pad.js); without a pointer, the assessor's account name is written into the pad
 * instead. Name and No. Reg. are never typed here: the API takes them from the account. The review
 * names the latest review this assessor saw (`seen_latest`), so the API can tell when another
 * assessor decided in between; the page then shows both in the history.
 */
(() => {
  "use strict";

  const S = window.Swanilai;
  const D = S.desk;
  const PNG_PREFIX = "data:image/png;base64,";

  const required = (name) => D.message(`${name}.required`, { label: D.rules.labels[name] });
  const CONCURRENT =
    "Keputusan Anda tersimpan. Perhatian: asesor lain menyimpan keputusan untuk kiriman ini sejak Anda membukanya. Keduanya tersimpan; yang berlaku adalah yang tercatat paling akhir. Periksa riwayat tinjauan.";

  // account: () => the signed-in assessor ({name, registration}); saved(id): the review was stored.
  D.review = function review(api, ui, account, saved) {
    const $ = (id) => document.getElementById(id);
    const form = $("review");
    const notes = $("review-notes");
    const elements = $("review-elements");
    const summary = $("review-errors");
    const submit = $("review-submit");
    const canvas = $("review-pad");
    let submissionId = "";
    let seenLatest = null;
    let busy = false;
    let checked = false; // after a first Simpan, fields re-check as the assessor corrects them

    const pad = S.signaturePad(canvas, PNG_PREFIX, () => changed());
    const outcome = () => (form.querySelector("input[name=outcome]:checked") || {}).value || "";
    // The outcomes that send the submission back to the candidate: a note is required, and notes per element offered.
    const sendsBack = () => (D.rules.notes_required_for || []).includes(outcome());
    const fieldOf = { outcome: $("review-outcome"), notes, signature: canvas };
    const focusOf = { outcome: () => form.querySelector("input[name=outcome]"), notes: () => notes, signature: () => $("review-sign-name") };

    // What the API would refuse, found before sending (the API checks again, with the same words).
    function problems() {
      const found = {};
      if (!outcome()) found.outcome = required("outcome");
      if (sendsBack() && !notes.value.trim()) found.notes = required("notes");
      if (!pad.dataUrl()) found.signature = required("signature");
      return found;
    }

    // An element note the API refused: "element_notes[<key>]" names its textarea.
    function elementArea(name) {
      const key = /^element_notes\[(.*)\]$/.exec(name);
      if (!key) return null;
      return [...$("review-elements-list").querySelectorAll("textarea")].find((area) => area.dataset.key === key[1]) || null;
    }

    function showProblems(found, extra) {
      for (const area of $("review-elements-list").querySelectorAll("textarea")) {
        area.removeAttribute("aria-invalid");
        const error = area.previousElementSibling;
        if (error && error.classList.contains("desk-field-error")) error.remove();
      }
      const elementLines = [];
      for (const [name, text] of Object.entries(found)) {
        const area = elementArea(name);
        if (!area) continue;
        const error = D.el("p", { className: "desk-field-error", id: `${area.id}-error` }, text);
        area.before(error);
        area.setAttribute("aria-invalid", "true");
        area.setAttribute("aria-describedby", error.id);
        elements.hidden = false;
        elements.open = true;
        elementLines.push(lineTo(area, `${area.labels[0].textContent}: ${text}`));
      }
      for (const name of Object.keys(fieldOf)) {
        const text = found[name] || "";
        const error = $(`review-${name}-error`);
        error.textContent = text;
        error.hidden = !text;
        if (text) fieldOf[name].setAttribute("aria-invalid", "true");
        else fieldOf[name].removeAttribute("aria-invalid");
      }
      pad.invalid(Boolean(found.signature));
      const names = Object.keys(found).filter((name) => fieldOf[name]);
      const lines = [...names.map((name) => lineTo(focusOf[name](), found[name])), ...elementLines];
      if (extra) lines.push(D.el("li", {}, extra));
      summary.replaceChildren(D.el("p", {}, "Keputusan belum tersimpan:"), D.el("ul", {}, ...lines));
      summary.hidden = lines.length === 0;
      return lines.length;
    }

    // A line of the error summary: a link that takes focus to the field it is about.
    function lineTo(field, text) {
      const link = D.el("a", { href: `#${field.id}` }, text);
      link.addEventListener("click", (event) => {
        event.preventDefault(); // the fragment is the desk's route, not a jump target
        field.focus();
      });
      return D.el("li", {}, link);
    }

    function changed() {
      elements.hidden = !sendsBack();
      $("review-notes-label").textContent = sendsBack() ? `${D.rules.labels.notes} untuk asesi (wajib)` : D.rules.labels.notes;
      if (checked) showProblems(problems());
    }

    // One optional note per element, labelled as the form names it, for "Perlu perbaikan".
    function elementFields(record) {
      const groups = [];
      for (const unit of (record.scheme && record.scheme.units) || []) {
        const rows = (unit.elements || []).map((element) => {
          const id = `element-note-${groups.length}-${element.number}`;
          return D.el(
            "div",
            { className: "desk-field" },
            D.el("label", { for: id }, `Elemen ${element.number}: ${element.title}`),
            D.el("textarea", { id, rows: 2, maxLength: D.rules.limits.element_note_max, dataset: { key: element.key } }),
          );
        });
        const legend = D.el("legend", {}, `Unit ${unit.code || ""} ${unit.title}`.replace(/\s+/g, " ").trim());
        groups.push(D.el("fieldset", { className: "desk-unit" }, legend, ...rows));
      }
      $("review-elements-list").replaceChildren(...groups);
    }

    // The account's name, written on the pad: the way to sign without a pointer.
    function signWithName() {
      const name = (account() || {}).name || "";
      if (!name) return;
      const board = document.createElement("canvas");
      board.width = canvas.width;
      board.height = canvas.height;
      const ctx = board.getContext("2d");
      let size = 96;
      ctx.fillStyle = "#111";
      ctx.textBaseline = "middle";
      do {
        ctx.font = `italic ${size}px "DejaVu Serif", Georgia, serif`;
        size -= 6;
      } while (ctx.measureText(name).width > board.width * 0.9 && size > 24);
      ctx.fillText(name, board.width * 0.05, board.height * 0.55, board.width * 0.9);
      pad.load(board.toDataURL("image/png"));
      ui.say("Nama Anda dipakai sebagai tanda tangan.");
      changed();
    }

    function body() {
      const elementNotes = {};
      if (sendsBack()) {
        for (const area of $("review-elements-list").querySelectorAll("textarea")) {
          const text = area.value.trim();
          if (text) elementNotes[area.dataset.key] = text;
        }
      }
      return { outcome: outcome(), notes: notes.value.trim(), element_notes: elementNotes, signature: pad.dataUrl(), seen_latest: seenLatest };
    }

    async function send() {
      checked = true;
      if (showProblems(problems())) {
        summary.focus();
        return;
      }
      busy = true;
      submit.disabled = true;
      ui.say("Menyimpan keputusan…");
      try {
        const path = `/desk/submissions/${encodeURIComponent(submissionId)}/reviews`;
        const answer = await api.json("POST", path, { body: body() });
        checked = false;
        ui.say(answer.concurrent_reviews ? CONCURRENT : "Keputusan Anda tersimpan.");
        saved(submissionId);
      } catch (err) {
        if (err.status === 401) return;
        const fromServer = {};
        for (const [name, text] of Object.entries(err.fields || {})) if (fieldOf[name] || elementArea(name)) fromServer[name] = text;
        showProblems(fromServer, err.message);
        ui.say("");
        summary.focus();
      } finally {
        busy = false;
        submit.disabled = false;
      }
    }

    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (!busy) send();
    });
    form.addEventListener("change", (event) => {
      if (event.target.name === "outcome") changed();
    });
    notes.addEventListener("input", () => checked && showProblems(problems()));
    $("review-pad-clear").addEventListener("click", () => pad.clear());
    $("review-sign-name").addEventListener("click", signWithName);

    return {
      hide() {
        form.hidden = true;
      },
      // A fresh form for this submission; `latest` is the key of the review that counts now.
      prepare(data, latest) {
        submissionId = data.record.submission_id;
        seenLatest = latest;
        form.reset();
        pad.load("");
        checked = false;
        showProblems({});
        elementFields(data.record);
        elements.open = false;
        const who = account() || {};
        $("review-signer").textContent = `${who.name || ""}${who.registration ? `, No. Reg. ${who.registration}` : ""}`;
        $("review-sign-name").disabled = !who.name;
        changed();
        form.hidden = false;
      },
    };
  };
})();
