/* Swanilai form, part "sending": Kirim checks, waits for evidence files still uploading, then POSTs
 * once with the draft's submission_id, the hash of its status secret and, for a revision, the proof
 * of the earlier one's. Network errors, 429 and 5xx keep the draft and retry with backoff (6 automatic
 * tries, then "Coba kirim lagi"); a send that failed for the network also waits in the outbox
 * (IndexedDB, "outbox:<scheme id>:<submission id>"), shown on the page, and goes out when the network
 * returns: from the service worker (Background Sync) or from this page when it is next open.
 * 409 scheme_outdated reloads once; a 400 shows the server's messages by the fields.
 * Test hooks: window.SWANILAI_RETRY_BASE_MS (or data-retry-base-ms; default 2000, doubling up to 15x)
 * and window.SWANILAI_TIMEOUT_MS (default 30000). */
(() => {
  "use strict";

  const S = (window.Swanilai = window.Swanilai || {});
  const AUTO_TRIES = 6;
  const SAFE = "Jawaban Anda aman tersimpan di perangkat ini, tetapi belum terkirim";
  const KEPT = "Jawaban Anda tetap tersimpan di perangkat ini.";

  // parts: { checks, errors, draft, receipt, pad, status, say } of the same page.
  S.sending = function sending(page, parts) {
    const { checks, errors, draft, pad, status, say } = parts;
    const data = page.form.dataset;
    let busy = false;
    let attempt = 0;
    let retryTimer = 0;
    let retryPending = false;
    let staleHtml = false;
    let waiting = false;
    let lastBody = null;

    function lock(on) {
      page.form.setAttribute("aria-busy", String(on));
      for (const control of page.form.elements) control.disabled = on;
      pad.enable(!on);
    }

    async function submit({ auto = false, again = false } = {}) {
      if (busy || waiting) return;
      if (again) attempt = 0;
      clearTimeout(retryTimer);
      retryPending = false;
      const found = [...checks.all(page.payload(), page.elements), ...parts.files.problems()];
      if (found.length) {
        errors.show(found, { focus: !auto });
        return;
      }
      errors.clear();
      const uploading = parts.files.pending();
      if (uploading > 0) {
        waiting = true;
        status(`Menunggu ${uploading} lampiran selesai diunggah. Formulir akan terkirim otomatis setelahnya; Anda tidak perlu menekan Kirim lagi.`, { busy: true });
        await parts.files.settled();
        waiting = false;
        return submit({ auto: true });
      }
      const body = { ...page.payload(), ...(await draft.secrets()) };
      if (!body.revises) delete body.revises;
      send(body);
    }

    async function send(body) {
      const returnFocus = document.activeElement;
      busy = true;
      lock(true);
      status("Mengirim jawaban Anda\u2026", { busy: true });
      if (!navigator.onLine) {
        busy = false;
        lock(false);
        return queue(body, null, {});
      }
      let response = null;
      let answer = {};
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), Number(window.SWANILAI_TIMEOUT_MS) || 30000);
      try {
        response = await fetch(data.apiUrl || "/api/submissions", {
          method: "POST",
          headers: { "Content-Type": "application/json", Accept: "application/json" },
          body: JSON.stringify(body),
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
      busy = false;
      lock(false);
      const form = page.form;
      if (returnFocus && returnFocus !== document.body && form.contains(returnFocus) && !form.hidden) returnFocus.focus();
      if (!response) return queue(body, response, answer || {});
      handle(response, answer || {}, body);
    }

    // Not sent for the network: into the outbox (the service worker sends it when the network
    // returns, where the browser has Background Sync), and this page keeps retrying while open.
    async function queue(body, response, answer) {
      lastBody = body;
      await S.idb.put(outboxKey(body.submission_id), { url: data.apiUrl || "/api/submissions", body, queued_at: new Date().toISOString() });
      showQueue(true);
      if ("serviceWorker" in navigator && navigator.serviceWorker.controller) {
        navigator.serviceWorker.ready.then((reg) => reg.sync && reg.sync.register("swanilai-outbox")).catch(() => {});
      }
      retryLater("network", answer, response);
      reveal(page.sendStatus);
    }

    const outboxKey = (id) => `outbox:${page.scheme.id}:${id}`;

    function showQueue(on) {
      const box = document.getElementById("outbox");
      if (box) box.hidden = !on;
    }

    // Bring a message into view with what it is about (the Kirim button above it) still on screen.
    function reveal(node) {
      S.reveal(node.previousElementSibling || node);
    }

    function handle(response, answer, body) {
      const code = response.status;
      if ((code === 200 || code === 201) && answer.submission_id) {
        return delivered(answer, body, "Terima kasih. Asesmen mandiri Anda telah diterima.");
      }
      if (code === 409 && answer.error === "scheme_outdated") return outdated(answer);
      if (code === 409 && (answer.error === "submission_conflict" || answer.error === "already_revised") && answer.receipt) {
        return delivered(answer.receipt, body, answer.message || checks.error(answer.error));
      }
      if (code === 429 || code >= 500 || answer.retryable === true) return retryLater(code, answer, response);
      attempt = 0;
      if (code === 400 && answer.fields && Object.keys(answer.fields).length) {
        errors.show(Object.entries(answer.fields).map(([f, m]) => [f, String(m)]), { focus: true });
        return;
      }
      status(`${failure(code, answer)} ${KEPT}`, { retry: false });
      reveal(page.sendStatus);
    }

    function delivered(answer, body, note) {
      S.idb.remove(outboxKey(body.submission_id));
      showQueue(false);
      parts.receipt.succeed(answer, note, body);
    }

    // What went wrong, from the server's own message, else from the rule table's message for the
    // error (or the status) the response stands for.
    function failure(code, answer) {
      const id = answer.request_id ? ` (kode permintaan: ${answer.request_id})` : "";
      if (typeof answer.message === "string" && answer.message) return answer.message + id;
      if (code >= 200 && code < 300) return "Jawaban server tidak dikenali, jadi belum pasti kiriman Anda tersimpan. Coba kirim lagi nanti, atau hubungi LSP.";
      const known = checks.error(answer.error) || checks.errorOfStatus(code);
      return (known || `Pengiriman gagal (kode ${code}).`) + id;
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
        reloaded = sessionStorage.getItem(page.keys.reloaded);
      } catch (err) {
        /* treat as not reloaded yet */
      }
      if (staleHtml || reloaded === page.scheme.version) {
        status(`Server sudah memakai versi skema yang lebih baru, tetapi halaman versi baru belum tersedia di perangkat Anda. ${KEPT} Coba muat ulang halaman ini beberapa menit lagi, lalu kirim kembali.`);
        return;
      }
      draft.save();
      try {
        sessionStorage.setItem(page.keys.reloaded, page.scheme.version);
      } catch (err) {
        /* the reload still keeps the draft */
      }
      status(`${answer.message || checks.error("scheme_outdated")} Halaman dimuat ulang; ${KEPT}`);
      location.reload();
    }

    // After the reload that outdated() asked for: say what happened.
    function afterReload() {
      let reloaded = null;
      try {
        reloaded = sessionStorage.getItem(page.keys.reloaded);
        sessionStorage.removeItem(page.keys.reloaded);
      } catch (err) {
        return;
      }
      if (!reloaded) return;
      if (reloaded === page.scheme.version) {
        staleHtml = true;
        say(`Halaman telah dimuat ulang karena skema diperbarui, tetapi versi barunya belum tersedia. ${KEPT} Coba muat ulang halaman ini beberapa menit lagi, lalu tekan Kirim.`);
      } else if (page.notice.hidden) {
        say("Halaman telah dimuat ulang dengan versi skema terbaru. Jawaban Anda dipulihkan; periksa kembali, lalu tekan Kirim.");
      }
    }

    // On opening the page: a send still in the outbox goes again (or was sent meanwhile by the
    // service worker, which left its receipt as "sent:<scheme id>:<submission id>").
    async function resume() {
      const id = draft.submissionId();
      const done = await S.idb.get(`sent:${page.scheme.id}:${id}`);
      if (done && done.answer && done.answer.submission_id === id) {
        S.idb.remove(`sent:${page.scheme.id}:${id}`);
        return delivered(done.answer, done.body, "Terima kasih. Asesmen mandiri Anda telah diterima.");
      }
      const waitingSend = await S.idb.get(outboxKey(id));
      if (!waitingSend) return;
      lastBody = waitingSend.body;
      showQueue(true);
      if (navigator.onLine) submit({ auto: true, again: true });
      else retryLater("network", {}, null);
    }

    // The service worker sent a queued submission while this page was open.
    function sentElsewhere(message) {
      if (!message || message.scheme !== page.scheme.id || !message.answer) return;
      if (message.answer.submission_id !== draft.submissionId() || busy) return;
      S.idb.remove(`sent:${page.scheme.id}:${message.answer.submission_id}`);
      delivered(message.answer, message.body || lastBody, "Terima kasih. Asesmen mandiri Anda telah diterima.");
    }

    // A successful send ends any retrying.
    function settle() {
      attempt = 0;
      clearTimeout(retryTimer);
      retryPending = false;
    }

    return {
      submit,
      afterReload,
      resume,
      sentElsewhere,
      settle,
      busy: () => busy,
      // Back online with a send still waiting: try at once.
      online() {
        if (retryPending && !busy) submit({ auto: true, again: true });
      },
    };
  };
})();
