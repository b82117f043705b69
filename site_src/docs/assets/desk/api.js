/* Swanilai desk, part "api": every request to the desk API, with the signed-in assessor's token.
 * One place turns the API's answers into what the desk says: its own Indonesian `message` for an
 * Error, a plain sentence for a network failure, and a 401 handed to the sign-in part. */
(() => {
  "use strict";

  const D = window.Swanilai.desk;

  const OFFLINE = "Server tidak dapat dihubungi. Periksa koneksi internet Anda, lalu coba lagi.";
  const FAILED = "Permintaan tidak berhasil. Coba lagi sebentar lagi; bila tetap gagal, hubungi admin LSP.";
  const FORBIDDEN = "Akun Anda tidak berhak melakukan ini. Hubungi admin LSP bila Anda seharusnya berhak.";

  class DeskError extends Error {
    constructor(status, code, message, fields) {
      super(message);
      this.status = status;
      this.code = code;
      this.fields = fields || {};
    }
  }
  D.DeskError = DeskError;

  // The API's base: the candidate page's submission URL without its last segment, so the desk follows
  // wherever the build points the site (/api locally, the HTTP API's origin in AWS).
  D.apiBase = (submissionsUrl) => String(submissionsUrl || "/api/submissions").replace(/\/submissions\/?$/, "");

  // session: { token() -> string | "", expired() }: expired() is called on a 401 (no, expired or foreign token).
  D.api = function api(base, session) {
    async function send(method, path, { query, body, headers } = {}) {
      const url = new URL(base + path, window.location.href);
      for (const [key, value] of Object.entries(query || {})) if (value) url.searchParams.set(key, value);
      const init = { method, headers: { ...headers }, credentials: "omit", cache: "no-store" };
      const token = session.token();
      if (token) init.headers.Authorization = `Bearer ${token}`;
      if (body !== undefined) {
        init.headers["Content-Type"] = "application/json";
        init.body = JSON.stringify(body);
      }
      let response;
      try {
        response = await fetch(url, init);
      } catch (err) {
        throw new DeskError(0, "network", OFFLINE);
      }
      if (response.ok) return response;
      if (response.status === 401) {
        session.expired();
        throw new DeskError(401, "unauthenticated", "Sesi Anda sudah berakhir. Silakan masuk lagi.");
      }
      let problem = null;
      try {
        problem = await response.json();
      } catch (err) {
        /* not the API's JSON (a proxy's page): the generic sentence below */
      }
      const message = problem && typeof problem.message === "string" && problem.error ? problem.message : null;
      const fallback = response.status === 403 ? FORBIDDEN : FAILED;
      throw new DeskError(response.status, (problem && problem.error) || "http", message || fallback, problem && problem.fields);
    }

    return {
      json: async (method, path, options) => (await send(method, path, options)).json(),
      text: async (path, options) => (await send("GET", path, options)).text(),
      // A file: its bytes and the name the server gave it.
      file: async (path, options) => {
        const response = await send("GET", path, options);
        return { blob: await response.blob(), disposition: response.headers.get("Content-Disposition") };
      },
      send,
    };
  };
})();
