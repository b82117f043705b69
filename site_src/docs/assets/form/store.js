/* Swanilai form, part "store": where the page keeps things on the device, and the few bytes helpers
 * the other parts share. localStorage holds the draft and the kept submission (small, synchronous);
 * IndexedDB holds what must outlive the page or be read by the service worker (sw.js): the outbox of
 * submissions waiting for the network, and the bytes of evidence files waiting to be uploaded.
 * Every failure of the device's storage is reported as a value, never thrown. */
(() => {
  "use strict";

  const S = (self.Swanilai = self.Swanilai || {});

  // localStorage that reports failure instead of throwing (full, disabled, private mode).
  S.storage = {
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

  // One object store of keys and values; the service worker opens the same database (sw.js).
  const DB = "swanilai";
  const STORE = "kv";
  let opened = null;

  function database() {
    if (!opened) {
      opened = new Promise((resolve, reject) => {
        if (!self.indexedDB) return reject(new Error("no IndexedDB"));
        const request = indexedDB.open(DB, 1);
        request.onupgradeneeded = () => request.result.createObjectStore(STORE);
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      opened.catch(() => (opened = null));
    }
    return opened;
  }

  function run(mode, work) {
    return database().then(
      (db) =>
        new Promise((resolve, reject) => {
          const tx = db.transaction(STORE, mode);
          const result = work(tx.objectStore(STORE));
          tx.oncomplete = () => resolve(result && "result" in result ? result.result : undefined);
          tx.onerror = tx.onabort = () => reject(tx.error);
        })
    );
  }

  // Promises that resolve to null / false on any failure of the device's storage.
  S.idb = {
    get: (key) => run("readonly", (s) => s.get(key)).then((v) => (v === undefined ? null : v), () => null),
    put: (key, value) => run("readwrite", (s) => s.put(value, key)).then(() => true, () => false),
    remove: (key) => run("readwrite", (s) => s.delete(key)).then(() => true, () => false),
    // Every [key, value] whose key starts with prefix.
    entries(prefix) {
      const range = IDBKeyRange.bound(prefix, prefix + "\uffff");
      return run("readonly", (s) => {
        const found = [];
        s.openCursor(range).onsuccess = (event) => {
          const cursor = event.target.result;
          if (!cursor) return;
          found.push([cursor.key, cursor.value]);
          cursor.continue();
        };
        return { result: found };
      }).catch(() => []);
    },
  };

  // How far down the viewport the sticky header and progress bar reach (0 when not on a form page).
  S.covered = function covered() {
    let bottom = 0;
    for (const node of document.querySelectorAll(".md-header, .apl02-progress")) {
      const style = getComputedStyle(node);
      if (node.offsetParent === null || !/sticky|fixed/.test(style.position)) continue;
      bottom = Math.max(bottom, (parseFloat(style.top) || 0) + node.getBoundingClientRect().height);
    }
    return bottom;
  };

  // Scroll a node to just under the sticky bars, with a line of what comes before it in sight.
  S.reveal = function reveal(node) {
    const top = node.getBoundingClientRect().top;
    window.scrollBy(0, top - S.covered() - 12);
  };

  const hex = (bytes) => [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, "0")).join("");

  S.bytes = {
    hex,
    async sha256(data) {
      const buffer = typeof data === "string" ? new TextEncoder().encode(data) : data;
      return hex(await crypto.subtle.digest("SHA-256", buffer));
    },
    // 256 random bits as base64url without padding (43 characters): the status secret.
    secret() {
      const bytes = crypto.getRandomValues(new Uint8Array(32));
      return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    },
    // Sizes as Indonesian writes them: "1,2 MB", "850 KB", "1.234 KB" (by hand, like the times below:
    // the first toLocaleString costs 7-16 ms of main thread).
    size(bytes) {
      const grouped = (n) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
      if (bytes >= 1024 * 1024) {
        const tenths = Math.round((bytes * 10) / 1024 / 1024);
        return `${grouped(Math.floor(tenths / 10))}${tenths % 10 ? `,${tenths % 10}` : ""} MB`;
      }
      return `${grouped(Math.max(1, Math.round(bytes / 1024)))} KB`;
    },
  };

  // Times in WIB as Indonesian writes them ("30 November 2026", "06.15", "06.15.02"), by arithmetic:
  // Asia/Jakarta has been UTC+7 all year since 1964. Not Intl.DateTimeFormat: the first one with a time
  // zone loads ICU's zone data, 40-60 ms of main thread on a fresh page here and four times that on a
  // phone, all of it before the form answers. tests/page/test_page_time.py checks these against Intl.
  const MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"];
  const two = (n) => String(n).padStart(2, "0");
  const inJakarta = (when) => new Date(new Date(when).getTime() + 7 * 3600 * 1000); // read with getUTC*
  S.wibDate = (when) => {
    const t = inJakarta(when);
    return `${t.getUTCDate()} ${MONTHS[t.getUTCMonth()]} ${t.getUTCFullYear()}`;
  };
  S.wibDay = (when) => inJakarta(when).toISOString().slice(0, 10);
  S.wibClock = (when, seconds = false) => {
    const t = inJakarta(when);
    return `${two(t.getUTCHours())}.${two(t.getUTCMinutes())}${seconds ? `.${two(t.getUTCSeconds())}` : ""}`;
  };
  // "24 November 2026 pukul 06.15.02 WIB"; what is not a time comes back as it is.
  S.wib = (iso) => {
    const when = new Date(iso);
    if (Number.isNaN(when.getTime())) return String(iso || "");
    return `${S.wibDate(when)} pukul ${S.wibClock(when, true)} WIB`;
  };
})();
