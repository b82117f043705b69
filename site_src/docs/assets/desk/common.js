/* Swanilai desk, part "common": the words and formats every part of the desk shares, the filter as it
 * lives in the address bar's fragment, and a small element builder (text only: no HTML is ever parsed
 * from data). */
(() => {
  "use strict";

  const S = (window.Swanilai = window.Swanilai || {});
  const D = (S.desk = S.desk || {});

  // The build's data for the desk (site_src/overrides/desk.html): the API's address, Cognito's
  // settings, the catalog's schemes and the desk's rule table (handler/deskrules.py), which holds
  // every label, limit and message the page shares with the API.
  function readConfig() {
    try {
      return JSON.parse(document.getElementById("desk-config").textContent);
    } catch (err) {
      return null;
    }
  }
  D.config = readConfig() || { api_url: "/api/submissions", cognito: null, schemes: [], rules: null };
  const rules = (D.rules = D.config.rules || { state_labels: {}, outcome_labels: {}, labels: {}, messages: {}, limits: {} });
  D.STATES = rules.state_labels;
  D.OUTCOMES = rules.outcome_labels;
  // The list's filter, in the API's own parameter names; the fragment carries the same names.
  D.FILTER_KEYS = ["q", "scheme", "state", "from", "to"];

  const numbers = new Intl.NumberFormat("id-ID");
  // A rule table message with its {placeholders} filled, numbers written as Indonesian does (2.000).
  D.message = (rule, values) =>
    String(rules.messages[rule] || "").replace(/\{(\w+)\}/g, (whole, name) => {
      const value = (values || {})[name];
      if (value === undefined) return whole;
      return typeof value === "number" ? numbers.format(value) : String(value);
    });

  const WIB = "Asia/Jakarta";
  const timeFormat = new Intl.DateTimeFormat("id-ID", { timeZone: WIB, dateStyle: "medium", timeStyle: "short" });
  const longFormat = new Intl.DateTimeFormat("id-ID", { timeZone: WIB, dateStyle: "long", timeStyle: "medium" });
  const dayFormat = new Intl.DateTimeFormat("en-CA", { timeZone: WIB });

  function moment(iso) {
    const when = new Date(iso);
    return Number.isNaN(when.getTime()) ? null : when;
  }
  // "24 Nov 2026, 06.15 WIB": the list's short form.
  D.wib = (iso) => {
    const when = moment(iso);
    return when ? `${timeFormat.format(when)} WIB` : "\u2014";
  };
  // "24 November 2026 pukul 06.15.02 WIB": the detail's full form, as the candidate's receipt says it.
  D.wibLong = (iso) => {
    const when = moment(iso);
    return when ? `${longFormat.format(when)} WIB` : "\u2014";
  };
  // The WIB day (YYYY-MM-DD) of a moment: file names and day filters are WIB days.
  D.wibDay = (when) => dayFormat.format(when instanceof Date ? when : moment(when) || new Date());

  // Read the fragment "#a=1&b=2" as a plain object of non-empty strings.
  D.readFragment = (hash) => {
    const params = new URLSearchParams(String(hash || "").replace(/^#/, ""));
    const out = {};
    for (const [key, value] of params) if (value !== "") out[key] = value;
    return out;
  };
  D.writeFragment = (values) => {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(values)) if (value) params.set(key, value);
    const text = params.toString();
    return text ? `#${text}` : "#";
  };
  D.filterOf = (values) => {
    const filter = {};
    for (const key of D.FILTER_KEYS) if (values[key]) filter[key] = values[key];
    return filter;
  };

  // el("p", { className: "x", hidden: true }, "text", otherNode): properties, then children (strings
  // become text nodes, never HTML).
  D.el = (tag, props, ...children) => {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === "dataset") Object.assign(node.dataset, value);
      else if (key.startsWith("aria-") || key === "role" || key === "for") node.setAttribute(key, value);
      else node[key] = value;
    }
    for (const child of children) if (child !== null && child !== undefined && child !== false) node.append(child);
    return node;
  };

  // The file name the server gives in Content-Disposition (RFC 6266: filename* first), else fallback.
  D.fileName = (disposition, fallback) => {
    const text = String(disposition || "");
    const star = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(text);
    if (star) {
      try {
        return decodeURIComponent(star[1].trim());
      } catch (err) {
        /* a malformed escape: try the plain name */
      }
    }
    const plain = /filename\s*=\s*"([^"]*)"|filename\s*=\s*([^;]+)/i.exec(text);
    const name = plain ? (plain[1] || plain[2] || "").trim() : "";
    return name || fallback;
  };

  // A name as a file name can carry it: no path separators or characters Windows refuses.
  D.safeFileName = (text) => String(text || "").replace(/[\\/:*?"<>|\u0000-\u001f]+/g, " ").replace(/\s+/g, " ").trim();
})();
