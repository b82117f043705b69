/* Swanilai form, part "receipt": what the candidate keeps after sending, on this device, marked
 * "Terkirim", until they remove it (after a confirmation that says what is lost). Kept in localStorage
 * ("swanilai:receipt:<scheme id>") BEFORE the draft is removed: the receipt (id, time, verification
 * code), the submission exactly as sent (the copy is made from it) and the status secret (the
 * private status link: #status=<submission id>.<secret>, in the fragment so no server logs it).
 * Shown in place of the form, printable; "Unduh salinan" lays out the whole FR.APL.02 as sent for
 * printing or saving as PDF (A4, form.css @media print). */
(() => {
  "use strict";

  const S = (window.Swanilai = window.Swanilai || {});
  const THANKS = "Terima kasih. Asesmen mandiri Anda telah diterima.";

  // The status link of a submission: this page, with the id and the secret in the fragment.
  S.statusLink = (submissionId, secret) => `${location.origin}${location.pathname}#status=${submissionId}.${secret}`;

  // Ask before removing anything; resolves true when the candidate confirms. The dialog names what is lost.
  S.confirm = function confirm({ title, lost, keep, yes }) {
    const dialog = document.getElementById("confirm");
    dialog.querySelector("#confirm-title").textContent = title;
    dialog.querySelector("#confirm-lost").textContent = lost;
    dialog.querySelector("#confirm-keep").textContent = keep || "";
    dialog.querySelector("#confirm-yes").textContent = yes;
    const opener = document.activeElement;
    return new Promise((resolve) => {
      dialog.addEventListener(
        "close",
        () => {
          resolve(dialog.returnValue === "yes");
          if (opener && opener.isConnected) opener.focus();
        },
        { once: true }
      );
      dialog.returnValue = "";
      dialog.showModal();
      dialog.querySelector("#confirm-no").focus();
    });
  };

  // parts: { draft, errors, pad, status, say, settle, checks, progress } of the same page.
  S.receipt = function receipt(page, parts) {
    const store = S.storage;
    const box = page.receiptBox;
    const $ = (id) => document.getElementById(id);
    let shown = null;

    function show(kept, focus) {
      shown = kept;
      $("receipt-note").textContent = kept.note || THANKS;
      $("receipt-name").textContent = kept.name || "\u2014";
      $("receipt-id").textContent = kept.submission_id;
      $("receipt-time").textContent = S.wib(kept.received_at);
      $("receipt-sha").textContent = kept.sha256 || "\u2014";
      const link = kept.status_key ? S.statusLink(kept.submission_id, kept.status_key) : "";
      $("receipt-status-link").value = link;
      $("receipt-link-box").hidden = !link;
      $("receipt-sent-mark").hidden = !kept.body;
      $("receipt-forget").hidden = !kept.body && !kept.submission_id;
      $("receipt-revise").hidden = !kept.status_key || !kept.body;
      $("receipt-copy").hidden = !kept.body;
      page.form.hidden = true;
      box.hidden = false;
      document.documentElement.classList.add("apl02-has-receipt");
      if (focus) {
        $("receipt-title").focus({ preventScroll: true });
        window.scrollTo(0, 0);
      }
      if (kept.status_key && parts.statusPage) parts.statusPage.check(kept.submission_id, kept.status_key, { quiet: true });
    }

    // The server stored it: keep the receipt and what was sent first, then drop the draft.
    function succeed(answer, note, body) {
      parts.settle();
      const current = parts.draft.current();
      const sent = body || (S.storage.read(page.keys.receipt) || {}).body || null;
      const kept = {
        submission_id: answer.submission_id,
        received_at: answer.received_at,
        scheme: answer.scheme || page.scheme,
        sha256: answer.sha256 || "",
        name: sent && sent.candidate ? sent.candidate.name : parts.checks.trim(page.name.value),
        note,
        status_key: current && current.submission_id === answer.submission_id ? current.status_key : "",
        scheme_title: page.form.dataset.schemeTitle,
        scheme_number: page.form.dataset.schemeNumber,
        body: sent,
      };
      let stored = store.write(page.keys.receipt, kept);
      parts.draft.discard();
      if (!stored) stored = store.write(page.keys.receipt, kept); // removing the draft freed space
      if (!stored) store.write(page.keys.receipt, { ...kept, body: null }); // at least the receipt and the link
      parts.status("");
      show(kept, true);
    }

    // Back to an empty form, after the candidate confirmed what is removed.
    function startNew() {
      store.remove(page.keys.receipt);
      shown = null;
      box.hidden = true;
      $("copy").hidden = true;
      document.documentElement.classList.remove("apl02-has-receipt", "apl02-print-copy");
      if (location.hash) history.replaceState(null, "", location.pathname + location.search);
      page.form.reset();
      parts.pad.load("");
      parts.errors.clear();
      parts.status("");
      parts.say("");
      parts.draft.renew();
      parts.progress();
      page.form.hidden = false;
      window.scrollTo(0, 0);
      page.title.focus();
    }

    async function forget() {
      const ok = await S.confirm({
        title: "Hapus kiriman ini dari perangkat ini?",
        lost:
          "Yang terhapus dari perangkat ini: salinan jawaban yang Anda kirim, tanda terima ini, dan tautan status pribadinya. " +
          "Tanpa tautan status, Anda tidak dapat lagi melihat hasil tinjauan asesor atau mengubah dan mengirim ulang kiriman ini.",
        keep: "Kiriman Anda yang sudah diterima LSP tidak ikut terhapus. Bila masih memerlukannya, salin tautan status atau unduh salinannya lebih dulu.",
        yes: "Hapus dari perangkat ini",
      });
      if (ok) startNew();
    }

    // -- the copy: the whole FR.APL.02 as sent, laid out from the sent body and the page's own text

    function el(tag, className, text) {
      const node = document.createElement(tag);
      if (className) node.className = className;
      if (text !== undefined) node.textContent = text;
      return node;
    }

    function dd(node) {
      const d = el("dd");
      d.append(node);
      return d;
    }

    function copyOf(kept) {
      const body = kept.body || {};
      const answers = body.answers || {};
      const root = $("copy");
      root.textContent = "";
      root.append(el("h2", "apl02-copy-title", "FR.APL.02. Asesmen Mandiri"));
      root.append(el("p", "apl02-copy-mark", "Salinan kiriman \u2014 Terkirim"));
      const head = el("dl", "apl02-copy-head");
      const add = (term, value) => {
        const div = el("div");
        div.append(el("dt", "", term), typeof value === "string" ? el("dd", "", value) : dd(value));
        head.append(div);
      };
      add("Skema", `${kept.scheme_title || page.form.dataset.schemeTitle} (${kept.scheme_number || page.form.dataset.schemeNumber})`);
      add("Nama Asesi", (body.candidate && body.candidate.name) || kept.name || "\u2014");
      if (body.candidate && body.candidate.email) add("Email", body.candidate.email);
      if (body.candidate && body.candidate.phone) add("Nomor telepon", body.candidate.phone);
      add("Nomor pengiriman", kept.submission_id);
      add("Diterima", S.wib(kept.received_at));
      add("Kode verifikasi", kept.sha256 || "\u2014");
      if (body.revises) add("Memperbaiki kiriman", body.revises.submission_id);
      root.append(head);
      for (const unit of page.form.querySelectorAll(".apl02-unit")) {
        const section = el("section", "apl02-copy-unit");
        section.append(el("h3", "", `${unit.querySelector(".apl02-unit-title").textContent}: ${unit.querySelector(".apl02-unit-head").innerText.replace(/\s*\n\s*/g, " ")}`));
        for (const node of unit.querySelectorAll(".apl02-element")) {
          const answer = answers[node.dataset.key] || {};
          const item = el("div", "apl02-copy-element");
          item.append(el("h4", "", node.querySelector(".apl02-element-title").textContent));
          const criteria = el("ol", "apl02-copy-kuk");
          for (const li of node.querySelectorAll(".apl02-kuk li")) criteria.append(el("li", "", li.textContent.replace(/\s+/g, " ").trim()));
          item.append(criteria);
          item.append(el("p", "apl02-copy-verdict", `Jawaban: ${answer.verdict === "K" ? "K (kompeten)" : answer.verdict === "BK" ? "BK (belum kompeten)" : "\u2014"}`));
          item.append(el("p", "apl02-copy-evidence", `Bukti yang relevan: ${answer.evidence || "\u2014"}`));
          for (const file of answer.files || []) {
            item.append(el("p", "apl02-copy-file", `Lampiran: ${file.name} (${S.bytes.size(file.size)}, SHA-256 ${file.sha256})`));
          }
          section.append(item);
        }
        root.append(section);
      }
      const end = el("section", "apl02-copy-end");
      end.append(el("p", "", `Pernyataan: ${body.declaration ? "dicentang" : "\u2014"} \u2014 ${$("declaration").closest("label").textContent.trim()}`));
      if (body.consent) end.append(el("p", "", `Persetujuan pemrosesan data pribadi: ${body.consent.given ? "diberikan" : "\u2014"} (pemberitahuan versi ${body.consent.notice_version || "\u2014"})`));
      end.append(el("p", "", "Tanda Tangan Asesi:"));
      if (typeof body.signature === "string" && body.signature.startsWith("data:image/png")) {
        const image = el("img", "apl02-copy-signature");
        image.src = body.signature;
        image.alt = `Tanda tangan ${(body.candidate && body.candidate.name) || ""}`;
        end.append(image);
      } else {
        end.append(el("p", "apl02-copy-typed", body.signature || "\u2014"));
      }
      root.append(end);
      root.append(el("p", "apl02-copy-foot", `Salinan ini dibuat di perangkat Anda dari data yang dikirim. Kode verifikasi ${kept.sha256 || "\u2014"} menandai rekaman yang disimpan LSP.`));
      root.hidden = false;
    }

    function downloadCopy() {
      if (!shown) return;
      copyOf(shown);
      document.documentElement.classList.add("apl02-print-copy");
      $("copy").scrollIntoView({ block: "start" });
      window.print();
    }

    function printReceipt() {
      const html = document.documentElement;
      const had = html.classList.contains("apl02-print-copy");
      html.classList.remove("apl02-print-copy");
      window.print();
      if (had) html.classList.add("apl02-print-copy");
    }

    async function copyLink() {
      const input = $("receipt-status-link");
      input.select();
      try {
        await navigator.clipboard.writeText(input.value);
        $("receipt-link-note").textContent = "Tautan status telah disalin.";
      } catch (err) {
        $("receipt-link-note").textContent = "Tautan sudah ditandai: salin secara manual (tekan lama, lalu Salin).";
      }
    }

    $("receipt-print").addEventListener("click", printReceipt);
    $("receipt-copy").addEventListener("click", downloadCopy);
    $("receipt-new").addEventListener("click", forget);
    $("receipt-forget").addEventListener("click", forget);
    $("receipt-copy-link").addEventListener("click", copyLink);
    $("receipt-revise").addEventListener("click", () => parts.statusPage && shown && parts.statusPage.revise(shown));

    return { succeed, show, startNew, copyOf, shown: () => shown, kept: () => store.read(page.keys.receipt) };
  };
})();
