/* Swanilai form, part "draft file": "Simpan draf ke file" writes the draft as JSON (to change device,
 * or to outlast a browser that evicts site storage); "Buka draf dari file" reads one back after
 * checking it is a Swanilai draft of this scheme, and after asking before it replaces a draft with
 * answers. The file keeps the submission id and status secret, so evidence already uploaded still
 * belongs to it. Messages: the rule table's "draft_file.*". */
(() => {
  "use strict";

  const S = (window.Swanilai = window.Swanilai || {});
  const MARK = "swanilai-draft";
  const MAX_BYTES = 4 * 1024 * 1024;

  // parts: { checks, draft, say, progress } of the same page.
  S.draftFile = function draftFile(page, parts) {
    const $ = (id) => document.getElementById(id);
    const { checks } = parts;
    const line = $("draft-file-message");

    function tell(text, bad) {
      line.textContent = text;
      line.classList.toggle("is-error", Boolean(bad));
    }

    function save() {
      parts.draft.save();
      const draft = parts.draft.current();
      const file = { [MARK]: 1, scheme: { id: page.scheme.id, version: page.scheme.version, number: page.form.dataset.schemeNumber }, saved_at: new Date().toISOString(), draft };
      const blob = new Blob([JSON.stringify(file, null, 1)], { type: "application/json" });
      const link = document.createElement("a");
      link.href = URL.createObjectURL(blob);
      link.download = `draf-apl02-${page.scheme.id}-${S.wibDay(new Date())}.json`;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(link.href), 10000);
      tell(`Draf disimpan sebagai berkas ${link.download}. Berkas ini memuat jawaban dan data pribadi Anda: simpan di tempat yang aman.`);
    }

    // The draft in a file's text, or the message that says why it cannot be used.
    function read(text) {
      let file;
      try {
        file = JSON.parse(text);
      } catch (err) {
        return checks.message("draft_file.not_json");
      }
      if (!file || typeof file !== "object" || file[MARK] !== 1) return checks.message("draft_file.foreign");
      const scheme = file.scheme || {};
      if (scheme.id !== page.scheme.id) return checks.message("draft_file.other_scheme", { number: String(scheme.number || scheme.id || "?") });
      const draft = file.draft;
      const fine =
        draft &&
        typeof draft === "object" &&
        typeof draft.submission_id === "string" &&
        new RegExp(page.rules.patterns.submission_id).test(draft.submission_id) &&
        draft.answers &&
        typeof draft.answers === "object" &&
        !Array.isArray(draft.answers) &&
        (!draft.candidate || typeof draft.candidate === "object");
      if (!fine) return checks.message("draft_file.damaged");
      return { draft };
    }

    async function load(file) {
      if (!file) return;
      if (file.size > MAX_BYTES) return tell(checks.message("draft_file.too_big", { max_mb: MAX_BYTES / 1024 / 1024 }), true);
      const found = read(await file.text());
      if (typeof found === "string") return tell(found, true);
      const current = parts.draft.current();
      const hasAnswers = current && Object.keys(current.answers || {}).length > 0;
      if (hasAnswers && current.submission_id !== found.draft.submission_id) {
        const ok = await S.confirm({
          title: "Ganti draf di perangkat ini?",
          lost: "Jawaban yang sekarang ada di formulir ini akan diganti dengan isi berkas draf dan tidak dapat dipulihkan.",
          keep: "Bila masih memerlukannya, batalkan dan simpan dulu draf sekarang dengan \u201cSimpan draf ke file\u201d.",
          yes: "Ganti dengan isi berkas",
        });
        if (!ok) return tell("");
      }
      const result = parts.draft.apply({ ...found.draft, format: 1, scheme_id: page.scheme.id });
      parts.draft.save();
      parts.progress();
      let text = `Draf dari berkas ${file.name} dibuka: ${result.restored} jawaban dipulihkan.`;
      if (result.putAside > 0) text += ` ${result.putAside} jawaban untuk elemen yang sudah tidak ada di skema disimpan terpisah dan tidak ikut dikirim.`;
      tell(text);
    }

    $("draft-save").addEventListener("click", save);
    const input = $("draft-open");
    input.addEventListener("change", () => {
      const file = input.files[0];
      input.value = "";
      load(file);
    });
    return { save, read, load };
  };
})();
