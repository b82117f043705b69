/* Swanilai form, part "files": evidence files per element ("Lampirkan bukti", "Ambil foto").
 *
 * A chosen file is checked against the scheme's limits (types, size per file, files per element,
 * total: the rule table's "evidence", which the build fills with the scheme's own), a photo is redrawn
 * through a canvas (long side <= MAX_SIDE px, JPEG at QUALITY: the new file carries no EXIF, so no
 * location; HEIC becomes JPEG where the browser can decode it), hashed (SHA-256), its bytes put in
 * IndexedDB ("file:<sha256>") and uploaded in the background, one at a time: an upload ticket from the
 * API (POST /uploads), then the presigned POST it names, with a progress bar. A failed upload retries
 * with backoff, waits for the network when offline, and asks for a new ticket when the old one is
 * refused. The draft keeps each file by reference ({name, size, type, sha256, uploaded}); after a
 * reload an uploaded file is never sent again and a pending one resumes from its stored bytes.
 * Test hook: window.SWANILAI_UPLOAD_RETRY_MS (default 1000, doubling up to 30x). */
(() => {
  "use strict";

  const S = (window.Swanilai = window.Swanilai || {});
  const MAX_SIDE = 2000;
  const QUALITY = 0.8;
  const HEIC = /\.(heic|heif)$/i;
  const PHOTO_TYPES = ["image/jpeg", "image/heic", "image/heif"];

  // Redraw an image through a canvas: at most MAX_SIDE px on its long side, as JPEG. Only the pixels
  // survive (EXIF, GPS, XMP and comments do not); the orientation is applied before drawing.
  S.shrinkPhoto = async function shrinkPhoto(blob) {
    const bitmap = await createImageBitmap(blob, { imageOrientation: "from-image" });
    const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
    const width = Math.max(1, Math.round(bitmap.width * scale));
    const height = Math.max(1, Math.round(bitmap.height * scale));
    const canvas = self.OffscreenCanvas ? new OffscreenCanvas(width, height) : Object.assign(document.createElement("canvas"), { width, height });
    const ctx = canvas.getContext("2d");
    ctx.fillStyle = "#fff"; // a transparent PNG would turn black in JPEG
    ctx.fillRect(0, 0, width, height);
    ctx.drawImage(bitmap, 0, 0, width, height);
    bitmap.close();
    if (canvas.convertToBlob) return canvas.convertToBlob({ type: "image/jpeg", quality: QUALITY });
    return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error("encode"))), "image/jpeg", QUALITY));
  };

  // page: the form's parts; parts: { checks, draft, say, status } (draft may arrive after this part).
  S.files = function files(page, parts, table) {
    const limits = {
      types: table.types,
      file_max: table.max_file_bytes,
      per_element: table.max_files_per_element,
      total_max: table.max_total_bytes,
      names: table.kind_names || {},
    };
    const { checks } = parts;
    const lists = new Map(); // element key -> [entry]
    const views = new Map(); // element key -> { list, error, inputs }
    const queue = [];
    let running = false;
    let waiters = [];
    const ticketUrl = page.form.dataset.uploadUrl;
    const mb = (bytes) => Math.round((bytes / 1024 / 1024) * 10) / 10;
    const typeNames = limits.types.map((t) => limits.names[t] || t).join(", ");

    function nameOf(el) {
      return checks.render(page.rules.labels.element, { unit: Number(el.unit), element: Number(el.number) });
    }

    // -- the view of one element's files

    function view(el) {
      if (views.has(el.key)) return views.get(el.key);
      const box = el.node.querySelector(".apl02-files");
      if (!box) return null; // this scheme takes no files
      const v = { box, list: box.querySelector("ul"), error: box.querySelector("[data-error-for]"), inputs: [...box.querySelectorAll("input[type=file]")] };
      for (const input of v.inputs) {
        input.addEventListener("change", () => {
          const chosen = [...input.files];
          input.value = "";
          add(el, chosen);
        });
      }
      views.set(el.key, v);
      return v;
    }

    function render(key) {
      const el = page.byKey.get(key);
      const v = el && view(el);
      if (!v) return;
      v.list.textContent = "";
      for (const entry of lists.get(key) || []) v.list.append(row(el, entry));
      v.list.hidden = v.list.children.length === 0;
    }

    function row(el, entry) {
      const item = document.createElement("li");
      item.className = "apl02-file";
      item.dataset.sha256 = entry.sha256;
      const name = document.createElement("span");
      name.className = "apl02-file-name";
      name.textContent = entry.name;
      const size = document.createElement("span");
      size.className = "apl02-file-size";
      size.textContent = S.bytes.size(entry.size);
      const bar = document.createElement("progress");
      bar.max = 100;
      bar.value = entry.uploaded ? 100 : entry.progress || 0;
      bar.setAttribute("aria-label", `Unggahan ${entry.name}`);
      const state = document.createElement("span");
      state.className = "apl02-file-state";
      state.textContent = entry.uploaded ? "Terunggah" : entry.failed || entry.note || "Menunggu giliran unggah";
      state.classList.toggle("is-error", Boolean(entry.failed));
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "apl02-button apl02-button--quiet apl02-file-remove";
      remove.textContent = "Hapus";
      remove.setAttribute("aria-label", `Hapus lampiran ${entry.name}`);
      remove.addEventListener("click", () => drop(el, entry));
      item.append(name, size, bar, state, remove);
      entry.view = { bar, state };
      return item;
    }

    function show(entry, text, { failed = false, progress = null } = {}) {
      entry.note = failed ? "" : text;
      entry.failed = failed ? text : "";
      if (progress !== null) entry.progress = progress;
      if (!entry.view) return;
      entry.view.state.textContent = text;
      entry.view.state.classList.toggle("is-error", failed);
      if (progress !== null) entry.view.bar.value = progress;
    }

    function problem(el, text) {
      const v = view(el);
      v.error.textContent = text;
      v.error.hidden = !text;
    }

    // -- adding and removing

    async function add(el, chosen) {
      problem(el, "");
      const element = nameOf(el);
      const problems = [];
      for (const file of chosen) {
        const found = await prepare(el, element, file);
        if (typeof found === "string") problems.push(found);
      }
      problem(el, problems.join(" "));
      changed();
    }

    // One chosen file: checked, redrawn if a photo, hashed, kept and queued; a message if refused.
    async function prepare(el, element, file) {
      let type = file.type || (HEIC.test(file.name) ? "image/heic" : "");
      let blob = file;
      let name = file.name || "berkas";
      const photo = PHOTO_TYPES.includes(type) || HEIC.test(name);
      if (!photo && !limits.types.includes(type)) return checks.message("file.type_not_allowed", { element, name, types: typeNames });
      if (photo || (type === "image/png" && file.size > limits.file_max)) {
        try {
          blob = await S.shrinkPhoto(file);
        } catch (err) {
          if (type !== "image/jpeg" && type !== "image/png") return checks.message("file.heic_unsupported", { element, name });
          return checks.message("file.unreadable_image", { element, name });
        }
        type = "image/jpeg";
        if (!/\.jpe?g$/i.test(name)) name = name.replace(/\.[A-Za-z0-9]{1,5}$/, "") + ".jpg";
      }
      if (!limits.types.includes(type)) return checks.message("file.type_not_allowed", { element, name, types: typeNames });
      if (blob.size > limits.file_max) return checks.message("file.too_big", { element, name, size_mb: mb(blob.size), max_mb: mb(limits.file_max) });
      const list = lists.get(el.key) || [];
      if (list.length + 1 > limits.per_element) return checks.message("files.too_many", { element, max: limits.per_element, count: list.length + 1 });
      if (total() + blob.size > limits.total_max) {
        return checks.message("files.total_too_big", { max_mb: mb(limits.total_max), total_mb: mb(total() + blob.size) });
      }
      const sha256 = await S.bytes.sha256(await blob.arrayBuffer());
      if (list.some((f) => f.sha256 === sha256)) return checks.message("file.repeated", { element, name });
      const entry = { name, size: blob.size, type, sha256, uploaded: false };
      await S.idb.put(`file:${sha256}`, blob);
      lists.set(el.key, [...list, entry]);
      render(el.key);
      enqueue(entry, blob);
      return entry;
    }

    function drop(el, entry) {
      lists.set(el.key, (lists.get(el.key) || []).filter((f) => f !== entry));
      entry.dropped = true;
      const others = [...lists.values()].flat().some((f) => f.sha256 === entry.sha256);
      if (!others) S.idb.remove(`file:${entry.sha256}`);
      render(el.key);
      problem(el, "");
      changed();
      (el.node.querySelector(".apl02-files input[type=file]") || el.evidence).focus();
    }

    function changed() {
      if (parts.draft) parts.draft.save();
      settle();
    }

    const total = () => [...lists.values()].flat().reduce((sum, f) => sum + f.size, 0);

    // -- uploading, one file at a time

    function enqueue(entry, blob) {
      queue.push({ entry, blob, tries: 0 });
      pump();
    }

    async function pump() {
      if (running) return;
      running = true;
      while (queue.length) {
        const job = queue[0];
        if (job.entry.dropped || job.entry.uploaded) {
          queue.shift();
          continue;
        }
        if (!navigator.onLine) {
          await pause(job);
          continue;
        }
        const outcome = await upload(job);
        if (outcome === "done" || outcome === "refused") queue.shift();
        else await pause(job);
      }
      running = false;
      settle();
    }

    // Wait before the next try: for the network when offline, else a growing delay.
    function pause(job) {
      job.tries += 1;
      if (!navigator.onLine) {
        show(job.entry, "Menunggu koneksi internet untuk melanjutkan unggahan\u2026");
        return new Promise((resolve) => window.addEventListener("online", resolve, { once: true }));
      }
      const base = Number(window.SWANILAI_UPLOAD_RETRY_MS) || 1000;
      const delay = Math.min(base * 2 ** (job.tries - 1), base * 30);
      show(job.entry, `Unggahan terputus; dicoba lagi dalam ${Math.max(1, Math.round(delay / 1000))} detik\u2026`);
      return new Promise((resolve) => setTimeout(resolve, delay));
    }

    // One try: "done", "refused" (the API said no: the message is shown) or "retry".
    async function upload(job) {
      const { entry } = job;
      show(entry, "Mengunggah\u2026", { progress: 0 });
      let ticket;
      try {
        const response = await fetch(ticketUrl, {
          method: "POST",
          headers: { "Content-Type": "application/json", Accept: "application/json" },
          body: JSON.stringify({ scheme: { ...page.scheme }, submission_id: parts.draft.submissionId(), sha256: entry.sha256, size: entry.size, type: entry.type, name: entry.name }),
          credentials: "omit",
          cache: "no-store",
        });
        ticket = await response.json().catch(() => ({}));
        if (!response.ok) {
          if (response.status === 429 || response.status >= 500) return "retry";
          const detail = ticket.fields ? Object.values(ticket.fields).join(" ") : "";
          show(entry, detail || ticket.message || checks.error(ticket.error) || checks.errorOfStatus(response.status), { failed: true });
          return "refused";
        }
      } catch (err) {
        return "retry";
      }
      const blob = job.blob || (await S.idb.get(`file:${entry.sha256}`));
      if (!blob) {
        show(entry, checks.message("file.bytes_lost", { name: entry.name }), { failed: true });
        return "refused";
      }
      job.blob = blob;
      const status = await post(ticket, blob, entry);
      if (status >= 200 && status < 300) {
        entry.uploaded = true;
        entry.progress = 100;
        show(entry, "Terunggah", { progress: 100 });
        S.idb.remove(`file:${entry.sha256}`);
        changed();
        return "done";
      }
      return "retry"; // network, an expired ticket (403) or the store: a new ticket, after a pause
    }

    // The presigned POST, with progress (XMLHttpRequest: fetch reports no upload progress).
    function post(ticket, blob, entry) {
      return new Promise((resolve) => {
        const form = new FormData();
        for (const [name, value] of Object.entries(ticket.fields || {})) form.append(name, value);
        form.append("file", blob, entry.name);
        const xhr = new XMLHttpRequest();
        xhr.open("POST", ticket.url);
        xhr.upload.onprogress = (event) => {
          if (event.lengthComputable) show(entry, `Mengunggah\u2026 ${Math.floor((event.loaded / event.total) * 100)}%`, { progress: Math.floor((event.loaded / event.total) * 99) });
        };
        xhr.onload = () => resolve(xhr.status);
        xhr.onerror = xhr.onabort = xhr.ontimeout = () => resolve(0);
        xhr.send(form);
      });
    }

    // -- what the rest of the page asks

    function pending() {
      return [...lists.values()].flat().filter((f) => !f.uploaded && !f.failed).length;
    }

    function failed() {
      return [...lists.entries()].flatMap(([key, list]) => list.filter((f) => f.failed).map((f) => [key, f]));
    }

    function settle() {
      if (pending() > 0) return;
      const done = waiters;
      waiters = [];
      done.forEach((resolve) => resolve());
    }

    for (const el of page.elements) view(el);

    return {
      // For the draft: the references of one element's files.
      of: (key) => (lists.get(key) || []).map(({ name, size, type, sha256, uploaded }) => ({ name, size, type, sha256, uploaded: Boolean(uploaded) })),
      // For the payload: what the contract lists per file.
      sent: (key) => (lists.get(key) || []).map(({ name, size, type, sha256 }) => ({ name, size, type, sha256 })),
      // From a draft (reload, another tab, a draft file, a revision): show them, resume what is not uploaded.
      load(answers, byKey) {
        for (const job of queue) job.entry.dropped = true;
        lists.clear();
        for (const [key, answer] of Object.entries(answers || {})) {
          if (!byKey.has(key) || !Array.isArray(answer.files)) continue;
          lists.set(key, answer.files.filter((f) => f && typeof f.sha256 === "string").map((f) => ({ name: String(f.name), size: Number(f.size), type: String(f.type), sha256: f.sha256, uploaded: f.uploaded !== false })));
        }
        for (const el of page.elements) render(el.key);
        for (const entry of [...lists.values()].flat()) {
          if (entry.uploaded) continue;
          S.idb.get(`file:${entry.sha256}`).then((blob) => {
            if (blob) enqueue(entry, blob);
            else show(entry, checks.message("file.bytes_lost", { name: entry.name }), { failed: true });
          });
        }
      },
      pending,
      failed,
      // Resolves once nothing is waiting to be uploaded (uploaded, refused or removed).
      settled: () => new Promise((resolve) => {
        waiters.push(resolve);
        settle();
      }),
      // Messages of refused files, as [field, message] pairs for the error summary.
      problems() {
        return failed().map(([key, f]) => [page.rules.fields.files.replace("{key}", () => key), `${nameOf(page.byKey.get(key))}: ${f.name}: ${f.failed}`]);
      },
    };
  };
})();
