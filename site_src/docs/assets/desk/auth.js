/* Swanilai desk, part "sign-in": who the assessor is, for this tab only.
 *
 * Two ways in, chosen by the build:
 * - local (`build.py serve`): a one-time link /asesor/#masuk=<token> is exchanged at POST /desk/session
 *   for a signed ID token; sign-out revokes it with DELETE /desk/session.
 * - Cognito (AWS): managed login with the authorization code grant and PKCE (S256). The page holds no
 *   secret; the code verifier lives in sessionStorage only for the round trip. Sign-out also ends the
 *   managed-login session at its /logout endpoint.
 * The ID token is kept in sessionStorage (gone with the tab), never in localStorage. Whatever the
 * address bar carried in (one-time token, code) is removed from it at once. The fragment the assessor
 * was on (their filter) survives a sign-in: it is saved before leaving and restored after.
 */
(() => {
  "use strict";

  const D = window.Swanilai.desk;

  const KEYS = { session: "swanilai:desk:session", pkce: "swanilai:desk:pkce", back: "swanilai:desk:return", note: "swanilai:desk:note" };
  const SCOPE = "openid email profile";
  // A token this close to its expiry is not sent: the request would fail half-way through a review.
  const MARGIN_MS = 30 * 1000;

  const store = {
    read(key) {
      try {
        return JSON.parse(window.sessionStorage.getItem(key) || "null");
      } catch (err) {
        return null;
      }
    },
    write(key, value) {
      try {
        window.sessionStorage.setItem(key, JSON.stringify(value));
      } catch (err) {
        /* storage refused (private mode, full): the tab works until it is reloaded */
      }
    },
    remove(key) {
      try {
        window.sessionStorage.removeItem(key);
      } catch (err) {
        /* nothing to remove */
      }
    },
  };

  function base64url(bytes) {
    let text = "";
    for (const byte of new Uint8Array(bytes)) text += String.fromCharCode(byte);
    return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  const randomText = (size) => base64url(crypto.getRandomValues(new Uint8Array(size)));

  // The claims of a JWT, unverified: only to know when it expires (the API verifies it).
  function claimsOf(token) {
    try {
      const part = String(token).split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
      return JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(part), (c) => c.charCodeAt(0))));
    } catch (err) {
      return {};
    }
  }

  // expires_at as the API gives it (ISO time or epoch seconds), else the token's own `exp`; in ms.
  function expiryOf(expiresAt, token) {
    if (typeof expiresAt === "number") return expiresAt * 1000;
    const parsed = Date.parse(expiresAt || "");
    if (!Number.isNaN(parsed)) return parsed;
    const exp = claimsOf(token).exp;
    return typeof exp === "number" ? exp * 1000 : Date.now();
  }

  const here = () => window.location.origin + window.location.pathname;

  // config: the page's desk config; base: the API base; hooks.expired(): the API refused the token.
  D.auth = function auth(config, base, hooks) {
    const cognito = config.cognito && config.cognito.domain && config.cognito.client_id ? config.cognito : null;
    const domain = cognito ? (/^https:\/\//.test(cognito.domain) ? cognito.domain : `https://${cognito.domain}`).replace(/\/+$/, "") : "";

    function current() {
      const saved = store.read(KEYS.session);
      if (!saved || typeof saved.id_token !== "string") return null;
      if (saved.expires_ms - MARGIN_MS <= Date.now()) return null;
      return saved;
    }
    function keep(idToken, expiresAt) {
      store.write(KEYS.session, { id_token: idToken, expires_ms: expiryOf(expiresAt, idToken) });
    }
    function forget() {
      store.remove(KEYS.session);
    }
    // Where to come back to after signing in again: the fragment of now (a detail view or a filter).
    function rememberPlace() {
      store.write(KEYS.back, window.location.hash || "");
    }
    function takePlace() {
      const back = store.read(KEYS.back);
      store.remove(KEYS.back);
      return typeof back === "string" ? back : "";
    }
    // Replace what the address bar carried in (token, code) by the fragment to show.
    function cleanAddress(fragment) {
      window.history.replaceState(null, "", window.location.pathname + (fragment || ""));
    }

    // -- local mode: the one-time link

    async function exchange(oneTime) {
      const back = takePlace();
      cleanAddress(back);
      let response;
      try {
        response = await fetch(new URL(`${base}/desk/session`, window.location.href), {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ token: oneTime }),
          credentials: "omit",
          cache: "no-store",
        });
      } catch (err) {
        rememberPlace();
        return { ok: false, message: "Server tidak dapat dihubungi. Periksa koneksi Anda, lalu buka tautan masuk itu lagi." };
      }
      const answer = await response.json().catch(() => ({}));
      if (response.ok && typeof answer.id_token === "string") {
        keep(answer.id_token, answer.expires_at);
        return { ok: true };
      }
      rememberPlace();
      const told = typeof answer.message === "string" && answer.error ? answer.message : "";
      return {
        ok: false,
        message: told || "Tautan masuk ini tidak berlaku lagi: sudah dipakai atau sudah kedaluwarsa. Minta tautan masuk yang baru kepada admin.",
      };
    }

    // -- Cognito: authorization code + PKCE

    async function redirectToLogin() {
      const verifier = randomText(48);
      const challenge = base64url(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)));
      const state = randomText(24);
      store.write(KEYS.pkce, { verifier, state, back: window.location.hash || "" });
      const url = new URL(`${domain}/oauth2/authorize`);
      url.search = new URLSearchParams({
        response_type: "code",
        client_id: cognito.client_id,
        redirect_uri: here(),
        scope: cognito.scope || SCOPE,
        state,
        code_challenge: challenge,
        code_challenge_method: "S256",
      }).toString();
      window.location.assign(url.toString());
    }

    async function redeem(query) {
      const pending = store.read(KEYS.pkce);
      store.remove(KEYS.pkce);
      const back = pending && typeof pending.back === "string" ? pending.back : "";
      cleanAddress(back);
      if (query.get("error")) return { ok: false, message: "Masuk dibatalkan atau ditolak. Silakan coba masuk lagi." };
      if (!pending || pending.state !== query.get("state")) {
        return { ok: false, message: "Proses masuk tidak dapat diselesaikan (tautan kembali tidak cocok). Silakan masuk lagi dari halaman ini." };
      }
      let answer = {};
      try {
        const response = await fetch(`${domain}/oauth2/token`, {
          method: "POST",
          headers: { "Content-Type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({
            grant_type: "authorization_code",
            client_id: cognito.client_id,
            code: query.get("code"),
            redirect_uri: here(),
            code_verifier: pending.verifier,
          }).toString(),
          credentials: "omit",
          cache: "no-store",
        });
        answer = response.ok ? await response.json() : {};
      } catch (err) {
        return { ok: false, message: "Layanan masuk tidak dapat dihubungi. Periksa koneksi Anda, lalu coba masuk lagi." };
      }
      if (typeof answer.id_token !== "string") return { ok: false, message: "Masuk tidak berhasil. Silakan coba masuk lagi." };
      const expiresAt = typeof answer.expires_in === "number" ? Date.now() / 1000 + answer.expires_in : undefined;
      keep(answer.id_token, expiresAt);
      return { ok: true };
    }

    return {
      mode: cognito ? "cognito" : "local",
      token: () => (current() || {}).id_token || "",
      signedIn: () => current() !== null,

      // Finish whatever sign-in the address bar carries; null when it carries none.
      async arrive() {
        const fragment = D.readFragment(window.location.hash);
        if (fragment.masuk) return exchange(fragment.masuk);
        const query = new URLSearchParams(window.location.search);
        if (cognito && (query.get("code") || query.get("error"))) return redeem(query);
        if (!current()) {
          const saved = store.read(KEYS.session);
          if (saved) {
            forget();
            rememberPlace();
            return { ok: false, message: "Sesi Anda sudah berakhir. Silakan masuk lagi; saringan Anda tetap tersimpan." };
          }
        }
        const note = store.read(KEYS.note);
        store.remove(KEYS.note);
        return note ? { ok: false, message: note } : null;
      },

      // The API refused the token: forget it, keep the place, and let the page say so.
      expired() {
        forget();
        rememberPlace();
        hooks.expired();
      },

      signIn() {
        if (cognito) redirectToLogin();
      },

      async signOut() {
        const token = (current() || {}).id_token;
        forget();
        store.remove(KEYS.back);
        if (cognito) {
          store.write(KEYS.note, "Anda sudah keluar.");
          const url = new URL(`${domain}/logout`);
          url.search = new URLSearchParams({ client_id: cognito.client_id, logout_uri: here() }).toString();
          window.location.assign(url.toString());
          return;
        }
        if (token) {
          try {
            await fetch(new URL(`${base}/desk/session`, window.location.href), {
              method: "DELETE",
              headers: { Authorization: `Bearer ${token}` },
              credentials: "omit",
              cache: "no-store",
            });
          } catch (err) {
            /* the token is forgotten here either way; it expires on its own */
          }
        }
        cleanAddress("");
      },
    };
  };
})();
