/* Swanilai form, part "status": the private status link and "Ubah dan kirim ulang".
 *
 * The link is this page with "#status=<submission id>.<secret>"; the fragment never reaches a server
 * log. The page asks GET <api>/submissions/<scheme>/<id>/status with the secret in X-Status-Key and
 * shows the state, the assessor's notes and the notes per element. Opened on a device that does not
 * keep the submission, the answer's own copy of the submission stands in for it, so the candidate can
 * revise from any device. A revision is a new draft pre-filled with what was sent, naming the
 * submission it revises and carrying that one's secret as proof (sent once, never stored). */
(() => {
  "use strict";

  const S = (window.Swanilai = window.Swanilai || {});
  // "#status=<submission id>.<secret>", each part checked with the rule table's own pattern.
  S.readStatusLink = (hash, rules) => {
    const match = /^#status=([^.]+)\.(.+)$/.exec(hash || "");
    if (!match) return null;
    const [id, secret] = [match[1].toLowerCase(), match[2]];
    const fits = (name, text) => new RegExp(rules.patterns[name]).test(text);
    return fits("submission_id", id) && fits("status_key", secret) ? { submission_id: id, status_key: secret } : null;
  };

  // parts: { checks, draft, receipt, say, progress, pad, errors } of the same page.
  S.status = function status(page, parts) {
    const $ = (id) => document.getElementById(id);
    const { checks } = parts;
    const base = page.form.dataset.apiBase || "/api";
    let last = null; // the last status answer, for a revision from another device

    function elementName(key) {
      const el = page.byKey.get(key);
      return el ? checks.render(page.rules.labels.element, { unit: Number(el.unit), element: Number(el.number) }) : checks.render(page.rules.labels.element_key, { key });
    }

    async function fetchStatus(id, secret) {
      const response = await fetch(`${base}/submissions/${encodeURIComponent(page.scheme.id)}/${encodeURIComponent(id)}/status`, {
        headers: { Accept: "application/json", "X-Status-Key": secret },
        credentials: "omit",
        cache: "no-store",
      });
      const answer = await response.json().catch(() => ({}));
      return { ok: response.ok, code: response.status, answer };
    }

    function render(answer) {
      const box = $("status-box");
      $("status-state").textContent = answer.label || (page.rules.states || {})[answer.state] || answer.state || "";
      $("status-state").dataset.state = answer.state || "";
      $("status-when").textContent = answer.reviewed_at ? `Ditinjau ${S.wib(answer.reviewed_at)}` : "Belum ditinjau asesor.";
      $("status-notes").textContent = answer.notes ? `Catatan asesor: ${answer.notes}` : "";
      $("status-notes").hidden = !answer.notes;
      const list = $("status-element-notes");
      list.textContent = "";
      for (const [key, text] of Object.entries(answer.element_notes || {})) {
        if (!text) continue;
        const item = document.createElement("li");
        const name = document.createElement("strong");
        name.textContent = `${elementName(key)}: `;
        item.append(name, document.createTextNode(text));
        list.append(item);
      }
      list.hidden = list.children.length === 0;
      $("status-revised").textContent = answer.revised_by ? `Kiriman ini sudah diperbaiki dengan kiriman ${answer.revised_by}.` : "";
      $("status-revised").hidden = !answer.revised_by;
      $("status-help").hidden = answer.state !== "perbaikan";
      box.hidden = false;
    }

    // The status of one submission; quiet: no message when the network is missing (the receipt stays useful).
    async function check(id, secret, { quiet = false } = {}) {
      const line = $("status-message");
      line.textContent = quiet ? "" : "Memuat status\u2026";
      let result;
      try {
        result = await fetchStatus(id, secret);
      } catch (err) {
        line.textContent = quiet ? "" : "Status belum dapat dimuat karena perangkat tidak tersambung ke internet. Coba lagi saat tersambung.";
        return null;
      }
      if (!result.ok) {
        line.textContent = result.answer.message || checks.error(result.answer.error) || checks.errorOfStatus(result.code);
        return null;
      }
      line.textContent = "";
      last = { ...result.answer, status_key: secret };
      render(result.answer);
      return result.answer;
    }

    // Opened through a status link: this device's kept submission if it is the one, else the answer's copy.
    async function open(link) {
      const kept = parts.receipt.kept();
      if (kept && kept.submission_id === link.submission_id) {
        parts.receipt.show({ ...kept, status_key: kept.status_key || link.status_key }, true);
        return;
      }
      page.form.hidden = true;
      parts.receipt.show({ submission_id: link.submission_id, status_key: link.status_key, note: "Status asesmen mandiri Anda", name: "", received_at: "" }, true);
      $("receipt-close").hidden = false;
      const answer = await check(link.submission_id, link.status_key);
      if (!answer) return;
      const body = bodyOf(answer);
      parts.receipt.show(
        {
          submission_id: answer.submission_id,
          received_at: answer.received_at,
          status_key: link.status_key,
          name: body.candidate.name || "",
          note: "Status asesmen mandiri Anda",
          body,
          from_link: true,
        },
        false
      );
      $("receipt-close").hidden = false;
      $("receipt-forget").hidden = true;
      $("receipt-sent-mark").hidden = true;
    }

    // The submission as the status answer carries it, in the shape the page sent it.
    function bodyOf(answer) {
      const sub = answer.submission || {};
      return { candidate: sub.candidate || {}, answers: sub.answers || {}, signature: typeof sub.signature === "string" ? sub.signature : "", declaration: true, consent: sub.consent || null, revises: sub.revises || null };
    }

    // The sent body as a draft: what the form shows. Declaration and consent are asked again.
    function draftOf(body) {
      const answers = {};
      for (const [key, answer] of Object.entries(body.answers || {})) {
        answers[key] = { verdict: answer.verdict || "", evidence: answer.evidence || "", files: (answer.files || []).map((f) => ({ ...f, uploaded: true })) };
      }
      const signature = typeof body.signature === "string" ? body.signature : "";
      const candidate = body.candidate || {};
      return {
        answers,
        candidate: { name: candidate.name || "", email: candidate.email || "", phone: candidate.phone || "" },
        declaration: false,
        consent: false,
        signature: signature.startsWith("data:") ? { drawn: signature, typed: "" } : { drawn: "", typed: signature },
      };
    }

    async function revise(kept) {
      const current = parts.draft.current();
      const inProgress = current && !current.revises && Object.keys(current.answers || {}).length > 0 && !parts.receipt.kept();
      const ok = await S.confirm({
        title: "Ubah dan kirim ulang kiriman ini?",
        lost: inProgress
          ? "Formulir akan diisi dengan jawaban yang sudah Anda kirim. Draf lain yang sedang Anda isi di perangkat ini untuk skema ini akan diganti dan tidak dapat dipulihkan."
          : "Formulir akan diisi dengan jawaban yang sudah Anda kirim. Setelah kiriman perbaikan diterima, tanda terima dan salinan kiriman lama di perangkat ini diganti dengan yang baru.",
        keep: "Kiriman lama tetap tersimpan di LSP; asesor melihat kiriman baru sebagai perbaikannya.",
        yes: "Ubah jawaban",
      });
      if (!ok) return;
      const secret = kept.status_key || (last && last.status_key);
      const notes = last && last.submission_id === kept.submission_id ? last.element_notes || {} : {};
      parts.draft.renew({ ...draftOf(kept.body || {}), review_notes: notes }, { submission_id: kept.submission_id, status_key: secret });
      enterRevision(kept.submission_id, notes);
    }

    // Show the form as a revision: say so, and put the assessor's notes by their elements.
    function enterRevision(revisedId, notes) {
      if (location.hash) history.replaceState(null, "", location.pathname + location.search);
      page.receiptBox.hidden = true;
      $("copy").hidden = true;
      document.documentElement.classList.remove("apl02-has-receipt", "apl02-print-copy");
      page.form.hidden = false;
      showNotes(notes);
      parts.say(`Anda sedang mengubah kiriman ${revisedId}. Perbaiki jawaban yang perlu, centang kembali persetujuan dan pernyataan, lalu tekan Kirim: kiriman baru tercatat sebagai perbaikan kiriman itu.`);
      parts.progress();
      window.scrollTo(0, 0);
      page.title.focus();
    }

    function showNotes(notes) {
      for (const node of page.form.querySelectorAll(".apl02-review-note")) node.remove();
      for (const [key, text] of Object.entries(notes || {})) {
        const el = page.byKey.get(key);
        if (!el || !text) continue;
        const note = document.createElement("p");
        note.className = "apl02-review-note";
        note.textContent = `Catatan asesor: ${text}`;
        el.node.querySelector(".apl02-kuk").after(note);
      }
    }

    $("status-refresh").addEventListener("click", () => {
      const kept = parts.receipt.shown();
      if (kept && kept.status_key) check(kept.submission_id, kept.status_key);
    });
    $("receipt-close").addEventListener("click", () => {
      if (location.hash) history.replaceState(null, "", location.pathname + location.search);
      page.receiptBox.hidden = true;
      $("copy").hidden = true;
      document.documentElement.classList.remove("apl02-has-receipt", "apl02-print-copy");
      page.form.hidden = false;
      page.title.focus();
    });

    return { check, open, revise, showNotes };
  };
})();
