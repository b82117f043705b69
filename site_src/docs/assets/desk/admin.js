/* Swanilai desk, part "admin" (group `admin` only; the API checks the group on every call, this only
 * decides what to show): invite an assessor, and rebuild the list's index from the stored records. */
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
})();
