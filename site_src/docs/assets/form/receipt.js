/* Swanilai form, part "receipt": kept in localStorage ("swanilai:receipt:<scheme id>") before the draft
 * is removed, shown in place of the form, printable, and again on the next visit until "Isi formulir baru". */
(() => {
  "use strict";

  const S = (window.Swanilai = window.Swanilai || {});
  const THANKS = "Terima kasih. Asesmen mandiri Anda telah diterima.";

  // parts: { draft, errors, pad, status, say, settle } of the same page.
  S.receipt = function receipt(page, parts) {
    const store = S.storage;
    const box = page.receiptBox;
    const $ = (id) => document.getElementById(id);

    function wib(iso) {
      const when = new Date(iso);
      if (Number.isNaN(when.getTime())) return String(iso || "");
      const text = new Intl.DateTimeFormat("id-ID", { timeZone: "Asia/Jakarta", dateStyle: "long", timeStyle: "medium" }).format(when);
      return `${text} WIB`;
    }

    function show(kept, focus) {
      $("receipt-note").textContent = kept.note || THANKS;
      $("receipt-name").textContent = kept.name || "\u2014";
      $("receipt-id").textContent = kept.submission_id;
      $("receipt-time").textContent = wib(kept.received_at);
      $("receipt-sha").textContent = kept.sha256 || "\u2014";
      page.form.hidden = true;
      box.hidden = false;
      document.documentElement.classList.add("apl02-has-receipt");
      if (focus) {
        $("receipt-title").focus({ preventScroll: true });
        window.scrollTo(0, 0);
      }
    }

    // The server stored it: keep the receipt first, then drop the draft.
    function succeed(answer, note) {
      parts.settle();
      const kept = {
        submission_id: answer.submission_id,
        received_at: answer.received_at,
        scheme: answer.scheme || page.scheme,
        sha256: answer.sha256 || "",
        name: parts.checks.trim(page.name.value),
        note,
      };
      const stored = store.write(page.keys.receipt, kept);
      parts.draft.discard();
      if (!stored) store.write(page.keys.receipt, kept); // removing the draft freed space
      parts.status("");
      show(kept, true);
    }

    function startNew() {
      store.remove(page.keys.receipt);
      box.hidden = true;
      document.documentElement.classList.remove("apl02-has-receipt");
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

    $("receipt-print").addEventListener("click", () => window.print());
    $("receipt-new").addEventListener("click", startNew);

    return { succeed, show, kept: () => store.read(page.keys.receipt) };
  };
})();
