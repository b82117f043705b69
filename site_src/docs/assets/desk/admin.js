/* Swanilai desk, part "admin" (group `admin` only; the API checks the group on every call, this only
 * decides what to show): invite an assessor, erase a candidate's data on request (POST /desk/erasures,
 * its own function), and rebuild the list's index from the stored records. */
(() => {
  "use strict";

  const D = window.Swanilai.desk;

  const FIELDS = ["email", "name", "registration"];
  const required = (name) => D.message(`${name}.required`, { label: D.rules.labels[name] });

  // reindexed(): the list should be loaded again.
  D.admin = function admin(api, ui, reindexed) {
    const $ = (id) => document.getElementById(id);
    const invite = $("invite");
    const result = $("invite-result");

    function showErrors(found) {
      let first = null;
      for (const name of FIELDS) {
        const input = invite.elements.namedItem(name);
        const error = $(`invite-${name}-error`);
        const text = found[name] || "";
        error.textContent = text;
        error.hidden = !text;
        if (text) {
          input.setAttribute("aria-invalid", "true");
          first = first || input;
        } else input.removeAttribute("aria-invalid");
      }
      if (first) first.focus();
      return first !== null;
    }

    invite.addEventListener("submit", async (event) => {
      event.preventDefault();
      result.hidden = true;
      const body = {
        email: invite.elements.namedItem("email").value.trim(),
        name: invite.elements.namedItem("name").value.trim(),
        registration: invite.elements.namedItem("registration").value.trim(),
        admin: invite.elements.namedItem("admin").checked,
      };
      const missing = {};
      for (const name of FIELDS) if (!body[name]) missing[name] = required(name);
      if (showErrors(missing)) return;
      const button = invite.querySelector("button[type=submit]");
      button.disabled = true;
      try {
        const answer = await api.json("POST", "/desk/assessors", { body });
        const parts = [D.el("p", {}, `Undangan untuk ${body.name} (${body.email}) sudah dibuat.`)];
        // Locally there is no email: the API answers the new assessor's one-time sign-in link.
        const link = answer && answer.sign_in_link;
        if (typeof link === "string" && link) {
          parts.push(
            D.el("p", {}, "Berikan tautan masuk sekali pakai ini kepada asesor tersebut:"),
            D.el("p", {}, D.el("code", { className: "desk-code" }, link)),
          );
        } else {
          parts.push(D.el("p", {}, "Asesor tersebut akan menerima email berisi cara masuk."));
        }
        result.replaceChildren(...parts);
        result.hidden = false;
        invite.reset();
        ui.say(`Undangan untuk ${body.name} sudah dibuat.`);
      } catch (err) {
        if (err.status === 401) return;
        const fields = {};
        for (const name of FIELDS) if (err.fields && err.fields[name]) fields[name] = err.fields[name];
        if (!showErrors(fields)) ui.alert(err.message);
      } finally {
        button.disabled = false;
      }
    });

    erasure(api, ui, reindexed);

    $("reindex").addEventListener("click", async () => {
      const button = $("reindex");
      button.disabled = true;
      ui.say("Membangun ulang indeks…");
      try {
        const answer = await api.json("POST", "/desk/reindex");
        const count = answer && typeof answer.indexed === "number" ? `${answer.indexed} kiriman` : "semua kiriman";
        ui.say(`Indeks sudah dibangun ulang: ${count} terdaftar.`);
        reindexed();
      } catch (err) {
        if (err.status !== 401) ui.alert(err.message);
      } finally {
        button.disabled = false;
      }
    });

    return {
      show(on) {
        $("admin").hidden = !on;
      },
    };
  };

  const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
  const NOT_CONFIRMED = "Centang pernyataan di atas bila Anda yakin: penghapusan tidak dapat dibatalkan.";

  // The erasure form: checked here for what the page can tell, then by the erasure function.
  function erasure(api, ui, reindexed) {
    const $ = (id) => document.getElementById(id);
    const form = $("erase");
    const result = $("erase-result");
    const reasons = D.rules.erasure_reasons || [];
    $("erase-reason").replaceChildren(
      D.el("option", { value: "" }, "Pilih alasan"),
      ...reasons.map((reason) => D.el("option", { value: reason.code }, reason.label)),
    );
    const inputs = { submission_id: $("erase-id"), reason: $("erase-reason"), confirm: $("erase-confirm") };
    const errors = { submission_id: $("erase-id-error"), reason: $("erase-reason-error"), confirm: $("erase-confirm-error") };

    function showErrors(found) {
      let first = null;
      for (const name of Object.keys(inputs)) {
        const text = found[name] || "";
        errors[name].textContent = text;
        errors[name].hidden = !text;
        if (text) {
          inputs[name].setAttribute("aria-invalid", "true");
          first = first || inputs[name];
        } else inputs[name].removeAttribute("aria-invalid");
      }
      if (first) first.focus();
      return first !== null;
    }

    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      result.hidden = true;
      const body = { submission_id: inputs.submission_id.value.trim().toLowerCase(), reason: inputs.reason.value };
      const found = {};
      if (!ID.test(body.submission_id)) {
        found.submission_id = D.message("submission_id.invalid", { label: D.rules.labels.submission_id });
      }
      if (!reasons.some((reason) => reason.code === body.reason)) found.reason = D.message("reason.invalid", { label: D.rules.labels.reason });
      if (!inputs.confirm.checked) found.confirm = NOT_CONFIRMED;
      if (showErrors(found)) return;
      const button = form.querySelector("button[type=submit]");
      button.disabled = true;
      try {
        const answer = await api.json("POST", "/desk/erasures", { body });
        const erased = answer.erased;
        const text = erased.submission_ids.length
          ? `Data asesi sudah dihapus: ${erased.submission_ids.length} pengajuan (${erased.submission_ids.join(", ")}), ` +
            `${erased.objects} objek dalam ${erased.versions} versi, ${erased.reviews} hasil peninjauan, ` +
            `${erased.files} berkas, ${erased.index_entries} entri daftar. Kode penghapusan: ${answer.erasure_id}.`
          : `Data ini sudah dihapus sebelumnya; tidak ada lagi yang tersimpan. Kode penghapusan: ${answer.erasure_id}.`;
        result.replaceChildren(D.el("p", {}, text));
        result.hidden = false;
        form.reset();
        ui.say(erased.submission_ids.length ? "Data asesi sudah dihapus." : "Data ini sudah dihapus sebelumnya.");
        reindexed();
      } catch (err) {
        if (err.status === 401) return;
        const fields = {};
        for (const name of ["submission_id", "reason"]) if (err.fields && err.fields[name]) fields[name] = err.fields[name];
        if (!showErrors(fields)) ui.alert(err.message);
      } finally {
        button.disabled = false;
      }
    });
  }
})();
