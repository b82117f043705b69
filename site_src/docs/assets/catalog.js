/* Swanilai home page: filter the scheme list as the candidate types, ignoring case and diacritics. */
(() => {
  "use strict";

  const fold = (text) => text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/\s+/g, " ").trim();

  function start() {
    const input = document.getElementById("catalog-filter");
    const table = document.getElementById("catalog-table");
    if (!input || !table) return;
    const count = document.getElementById("catalog-count");
    const empty = document.getElementById("catalog-empty");
    const rows = [...table.tBodies[0].rows].map((row) => ({ row, text: fold(row.textContent) }));
    let timer = 0;

    function filter() {
      const words = fold(input.value).split(" ").filter(Boolean);
      let shown = 0;
      for (const { row, text } of rows) {
        const match = words.every((word) => text.includes(word));
        row.hidden = !match;
        if (match) shown += 1;
      }
      empty.hidden = shown > 0;
      table.hidden = shown === 0;
      // The live region speaks only after typing pauses, not on every key.
      clearTimeout(timer);
      timer = setTimeout(() => {
        count.textContent = words.length ? `${shown} dari ${rows.length} skema cocok` : `${rows.length} skema`;
      }, 250);
    }

    input.addEventListener("input", filter);
    if (input.value) filter(); // a value the browser restored on back navigation
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
