/* Swanilai: the assessors' desk (/asesor/). This file finds the page's parts and wires them up; the
 * work is done by the parts loaded before it (all with `defer`, in this order, no build step):
 *
 *   ../form/pad.js  the signature pad, shared with the candidate's form
 *   common.js       words, WIB dates, the fragment, an element builder
 *   api.js          requests to the desk API with the assessor's token
 *   auth.js         sign-in (one-time link locally, Cognito managed login with PKCE in AWS), sign-out
 *   list.js         the filtered list, paging, downloads
 *   detail.js       one submission: facts, verification, the rendered form, history, printing
 *   review.js       the decision form and its signature
 *   admin.js        invite an assessor, rebuild the index
 *
 * Routes live in the fragment: "#<filter>" is the list, "#id=<submission id>&<filter>" one submission
 * (the filter kept for the way back), "#masuk=<token>" a local sign-in link. Personal data stays in
 * memory and on screen only; the token is in sessionStorage.
 */
(() => {
  "use strict";

  const S = window.Swanilai;
  const D = S.desk;

  function start() {
    if (!document.getElementById("desk")) return;
    const $ = (id) => document.getElementById(id);
    const config = D.config;
    const base = D.apiBase(config.api_url);
    const status = $("desk-status");
    const alertBox = $("desk-alert");
    let account = null;
    let stale = false; // a review was saved: the list's states changed
    let lastOpened = "";
    let view = "";

    const ui = {
      say(text) {
        status.textContent = text || "";
      },
      alert(text) {
        alertBox.textContent = text || "";
        alertBox.hidden = !text;
      },
    };

    const auth = D.auth(config, base, { expired: () => showSignIn("Sesi Anda sudah berakhir. Silakan masuk lagi; saringan Anda tetap tersimpan.") });
    const api = D.api(base, auth);
    const review = D.review(api, ui, () => account, saved);
    const detail = D.detail(api, ui, review);
    const list = D.list(api, ui, config.schemes || []);
    const admin = D.admin(api, ui, () => list.show(list.filter(), { reload: true }));

    function showSignIn(message) {
      account = null;
      view = "";
      $("app").hidden = true;
      // Personal data off the screen: the list and the open submission are emptied.
      list.clear();
      detail.clear();
      $("signin").hidden = false;
      $("signin-cognito").hidden = auth.mode !== "cognito";
      $("signin-local").hidden = auth.mode === "cognito";
      ui.alert("");
      ui.say("");
      $("signin-note").textContent = message || "";
      $("signin-note").hidden = !message;
      document.title = "Meja Asesor";
      $("signin-title").focus();
    }

    async function enter() {
      try {
        account = await api.json("GET", "/desk/me");
      } catch (err) {
        if (err.status === 401) return;
        if (err.status === 403) {
          showSignIn("Akun Anda belum terdaftar sebagai asesor. Hubungi admin LSP untuk didaftarkan.");
          return;
        }
        ui.alert(err.message);
        return;
      }
      $("account-name").textContent = account.name || account.email || "";
      $("account-reg").textContent = account.registration || "";
      $("account-reg-part").hidden = !account.registration;
      admin.show(Array.isArray(account.groups) && account.groups.includes("admin"));
      $("signin").hidden = true;
      $("app").hidden = false;
      route();
    }

    async function route() {
      if (!account) return;
      const values = D.readFragment(window.location.hash);
      ui.alert("");
      ui.say("");
      if (values.id) {
        view = "detail";
        lastOpened = values.id;
        $("list-view").hidden = true;
        $("detail-view").hidden = false;
        await detail.open(values.id, D.filterOf(values));
        if (view === "detail") $("detail-title").focus();
        return;
      }
      const fromDetail = view === "detail";
      view = "list";
      $("detail-view").hidden = true;
      $("list-view").hidden = false;
      document.title = "Meja Asesor";
      const reload = stale;
      stale = false;
      await list.show(values, { reload });
      if (view === "list" && fromDetail && !list.focusRow(lastOpened)) $("list-title").focus();
    }

    // After a review: the list's states changed, and the open submission shows its new history.
    async function saved(id) {
      stale = true;
      await detail.open(id, D.filterOf(D.readFragment(window.location.hash)));
      $("history-title").focus();
    }

    async function arrive() {
      const arrived = await auth.arrive();
      if (arrived && !arrived.ok && !auth.signedIn()) {
        showSignIn(arrived.message);
        return;
      }
      if (arrived && !arrived.ok) ui.alert(arrived.message);
      if (!auth.signedIn()) {
        showSignIn("");
        return;
      }
      await enter();
    }

    $("signin-button").addEventListener("click", () => auth.signIn());
    $("signout").addEventListener("click", async () => {
      await auth.signOut();
      showSignIn("Anda sudah keluar. Sampai jumpa.");
    });
    window.addEventListener("hashchange", () => {
      // A sign-in link opened in this tab while it was open: exchange it like on arrival.
      if (D.readFragment(window.location.hash).masuk) arrive();
      else route();
    });
    arrive();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
