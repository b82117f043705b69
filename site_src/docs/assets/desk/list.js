/* Swanilai desk, part "list": the submissions that match the filter, newest first, a page at a time
 * (the API's cursor), and the same filter as an XLSX or CSV download. The filter lives in the
 * fragment (#q=...&scheme=...&state=...&from=...&to=...): a reload, a bookmark or Back keeps it. */
(() => {
  "use strict";

  const D = window.Swanilai.desk;
  const PAGE_SIZE = 50;

  // ui: { say(text), alert(text) }; schemes: the build's catalog [{id, number, title}].
  D.list = function list(api, ui, schemes) {
    const $ = (id) => document.getElementById(id);
    const form = $("filter");
    const inputs = Object.fromEntries(D.FILTER_KEYS.map((key) => [key, form.elements.namedItem(key)]));
    const rows = $("list-rows");
    const table = $("list-table");
    const more = $("list-more");
    const datesError = $("filter-dates-error");
    const byId = new Map(schemes.map((scheme) => [scheme.id, scheme]));
    let filter = {};
    let cursor = null;
    let shown = 0;
    let asked = 0; // the latest request; an older answer arriving late is dropped

    function readForm() {
      const values = {};
      for (const key of D.FILTER_KEYS) values[key] = inputs[key].value.trim();
      return D.filterOf(values);
    }
    function fillForm(values) {
      for (const key of D.FILTER_KEYS) inputs[key].value = values[key] || "";
      showDatesError("");
    }
    function showDatesError(text) {
      datesError.textContent = text;
      datesError.hidden = !text;
      for (const key of ["from", "to"]) {
        if (text) inputs[key].setAttribute("aria-invalid", "true");
        else inputs[key].removeAttribute("aria-invalid");
      }
    }

    function schemeCell(entry) {
      const scheme = byId.get(entry.scheme_id);
      const number = entry.scheme_number || (scheme && scheme.number) || entry.scheme_id;
      return D.el("td", { dataset: { label: "Skema" } }, D.el("span", { className: "desk-scheme", title: scheme ? scheme.title : entry.scheme_id }, number));
    }

    function row(entry) {
      const link = D.el("a", { href: D.writeFragment({ id: entry.submission_id, ...filter }) }, entry.name || "(tanpa nama)");
      const marks = [];
      if (entry.revises) marks.push(D.el("span", { className: "desk-badge" }, "Kiriman ulang (revisi)"));
      if (entry.revised_by) marks.push(D.el("span", { className: "desk-badge desk-badge--muted" }, "Sudah direvisi"));
      const state = D.STATES[entry.state] || entry.state || D.STATES.belum;
      return D.el(
        "tr",
        { dataset: { id: entry.submission_id } },
        D.el("td", { dataset: { label: "Diterima" } }, D.el("time", { dateTime: entry.received_at || "" }, D.wib(entry.received_at))),
        schemeCell(entry),
        D.el("td", { dataset: { label: "Nama asesi" }, className: "desk-name" }, link, ...marks),
        D.el("td", { dataset: { label: "K" }, className: "desk-count" }, String(entry.k ?? "")),
        D.el("td", { dataset: { label: "BK" }, className: "desk-count" }, String(entry.bk ?? "")),
        D.el("td", { dataset: { label: "Status" } }, D.el("span", { className: `desk-state desk-state--${entry.state || "belum"}` }, state)),
      );
    }

    function showIndex(index) {
      const note = $("index-note");
      if (!index || !index.behind) {
        note.hidden = true;
        return;
      }
      const since = index.updated_at ? ` (terakhir diperbarui ${D.wib(index.updated_at)})` : "";
      note.textContent =
        (typeof index.note === "string" && index.note) ||
        `Daftar ini mungkin belum memuat kiriman paling baru${since}. Muat ulang halaman sebentar lagi; bila tetap tertinggal, minta admin membangun ulang indeks.`;
      note.hidden = false;
    }

    function summarise() {
      const tail = cursor ? "; masih ada lagi, pilih \u201cMuat lebih banyak\u201d" : "";
      $("list-summary").textContent = shown ? `${shown} kiriman ditampilkan${tail}.` : "Tidak ada kiriman yang cocok dengan saringan ini.";
      table.hidden = shown === 0;
      more.hidden = !cursor;
    }

    async function load(append) {
      const mine = ++asked;
      const query = { ...filter, limit: String(PAGE_SIZE) };
      if (append) query.cursor = cursor;
      more.disabled = true;
      form.setAttribute("aria-busy", "true");
      try {
        const answer = await api.json("GET", "/desk/submissions", { query });
        if (mine !== asked) return;
        if (!append) {
          rows.replaceChildren();
          shown = 0;
        }
        const added = (answer.items || []).map(row);
        rows.append(...added);
        shown += added.length;
        cursor = answer.next_cursor || null;
        showIndex(answer.index);
        summarise();
        // The summary is a status region: it tells screen readers what loaded, without moving focus,
        // except after "Muat lebih banyak", where focus goes on to the first new row.
        if (append && added.length) added[0].querySelector("a").focus();
      } catch (err) {
        if (mine === asked && err.status !== 401) ui.alert(err.message);
      } finally {
        if (mine === asked) {
          more.disabled = false;
          form.removeAttribute("aria-busy");
        }
      }
    }

    async function download(format) {
      const button = $(`download-${format}`);
      button.disabled = true;
      ui.say(`Menyiapkan berkas ${format.toUpperCase()}…`);
      try {
        const { blob, disposition } = await api.file("/desk/export", { query: { ...filter, format } });
        const name = D.fileName(disposition, `asesmen-mandiri-${D.wibDay(new Date())}.${format}`);
        const url = URL.createObjectURL(blob);
        const link = D.el("a", { href: url, download: name, hidden: true });
        document.body.append(link);
        link.click();
        link.remove();
        setTimeout(() => URL.revokeObjectURL(url), 60 * 1000);
        ui.say(`Berkas ${name} diunduh.`);
      } catch (err) {
        if (err.status !== 401) ui.alert(err.message);
      } finally {
        button.disabled = false;
      }
    }

    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const values = readForm();
      if (values.from && values.to && values.from > values.to) {
        showDatesError(D.message("days.reversed", { label: D.rules.labels.to }));
        inputs.from.focus();
        return;
      }
      showDatesError("");
      const target = D.writeFragment(values);
      if (target === (window.location.hash || "#")) load(false);
      else window.location.hash = target;
    });
    $("filter-reset").addEventListener("click", () => {
      fillForm({});
      if ((window.location.hash || "#") === "#") load(false);
      else window.location.hash = "#";
    });
    more.addEventListener("click", () => load(true));
    $("download-xlsx").addEventListener("click", () => download("xlsx"));
    $("download-csv").addEventListener("click", () => download("csv"));

    return {
      // Show the list for this filter (from the fragment); reload only when it changed or asked to.
      // Resolves once the rows are there.
      async show(values, { reload = false } = {}) {
        const next = D.filterOf(values);
        const same = JSON.stringify(next) === JSON.stringify(filter) && shown > 0;
        filter = next;
        fillForm(filter);
        if (!same || reload) await load(false);
      },
      filter: () => ({ ...filter }),
      // Signed out or expired: no name stays on the page, and the next show() asks the API again.
      clear() {
        asked += 1;
        rows.replaceChildren();
        shown = 0;
        cursor = null;
        filter = {};
        summarise();
        $("list-summary").textContent = "";
      },
      // Focus the row of a submission, when coming back from it.
      focusRow(id) {
        const link = rows.querySelector(`tr[data-id="${CSS.escape(id)}"] a`);
        if (link) {
          link.focus();
          return true;
        }
        return false;
      },
    };
  };
})();
