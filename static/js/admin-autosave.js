"use strict";
// Keeps what is typed into a story's form on the server as the writer's unsaved changes: a
// few seconds after the last change, and at least every so often while typing goes on. The
// story itself changes only when the form is saved. An autosave waiting from before (a
// closed tab, a crash) is offered back: restored into the form, or discarded.
const richTextEditors = new Map();
document.addEventListener("prose-editor:ready", ({detail: {editor, textarea}}) => {
    richTextEditors.set(textarea, editor);
});

document.addEventListener("DOMContentLoaded", () => {
    const box = document.querySelector("#story_form [data-autosave-url]");
    if (!box) {
        return;
    }
    const form = box.closest("form");
    const status = form.querySelector("[data-autosave-status]");
    const token = form.querySelector("[name=csrfmiddlewaretoken]").value;
    const QUIET = 5000;
    const AT_MOST = 15000;
    const adding = !box.dataset.presenceUrl;
    const prompt = box.querySelector("[data-autosave-prompt]");
    // crypto.randomUUID needs HTTPS; getRandomValues does not.
    const randomKey = () => Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, "0")).join("");
    let formKey = adding ? randomKey() : "";
    let keyField = null;
    if (adding) {
        // Sent with the real save, which then removes this form's autosave.
        keyField = Object.assign(document.createElement("input"), {type: "hidden", name: "autosave_key", value: formKey});
        form.append(keyField);
    }

    // An autocomplete box holds only the options chosen: what it showed is kept beside its
    // value ("<name>@labels") so that restoring can offer the choice again.
    const LABELS = "@labels";

    function fields() {
        const data = {};
        for (const [name, value] of new FormData(form)) {
            if (typeof value === "string" && name !== "csrfmiddlewaretoken" && name !== "autosave_key") {
                (data[name] ||= []).push(value);
            }
        }
        for (const select of form.querySelectorAll("select[name]")) {
            const chosen = Array.from(select.selectedOptions).filter((option) => option.value);
            if (chosen.length) {
                data[select.name + LABELS] = chosen.map((option) => option.text);
            }
        }
        return data;
    }

    let timer = null;
    let firstChange = null;
    let sending = false;
    let again = false;
    let submitted = false;

    async function save() {
        clearTimeout(timer);
        timer = null;
        firstChange = null;
        if (submitted) {
            return;
        }
        if (sending) {
            again = true;
            return;
        }
        sending = true;
        try {
            const response = await fetch(box.dataset.autosaveUrl, {
                method: "POST",
                credentials: "same-origin",
                headers: {"Content-Type": "application/json", "X-CSRFToken": token},
                body: JSON.stringify({form_key: formKey, fields: fields()}),
            });
            if (!response.ok) {
                throw new Error(response.statusText, {cause: response.status});
            }
            status.textContent = (await response.json()).label;
        } catch (error) {
            status.textContent = "Your changes could not be kept as a draft just now; save the story to keep them.";
            // A busy server or a lost connection is tried again; a refusal is not.
            if (!(error.cause >= 400 && error.cause < 500)) {
                again = true;
            }
        } finally {
            sending = false;
            if (again) {
                again = false;
                changed();
            }
        }
    }

    function changed() {
        if (submitted) {
            return;
        }
        firstChange ??= Date.now();
        clearTimeout(timer);
        const wait = Math.min(QUIET, AT_MOST - (Date.now() - firstChange));
        timer = setTimeout(save, Math.max(0, wait));
    }

    form.addEventListener("input", changed);
    form.addEventListener("change", changed);
    // Autocomplete fields announce their changes through jQuery only.
    window.django?.jQuery?.(form).on("change", "select", changed);
    form.addEventListener("submit", () => {
        submitted = true;
        clearTimeout(timer);
    });

    // Which rows an inline has, and which stored row each is, stay as the page has them: the
    // rows' fields are restored, not the rows.
    const ROWS = /-(TOTAL_FORMS|INITIAL_FORMS|MIN_NUM_FORMS|MAX_NUM_FORMS|id)$/;

    function fill(data) {
        const seen = {};
        for (const element of form.elements) {
            const name = element.name;
            if (!name || ROWS.test(name) || name === "csrfmiddlewaretoken" || name === "autosave_key" || element.type === "file") {
                continue;
            }
            const values = data[name] || [];
            if (element.type === "checkbox" || element.type === "radio") {
                element.checked = values.includes(element.value);
            } else if (element instanceof HTMLSelectElement) {
                if (!(name in data)) {
                    continue;
                }
                const labels = data[name + LABELS] || [];
                values.forEach((value, i) => {
                    const known = Array.from(element.options).some((option) => option.value === value);
                    if (!known && value && labels[i]) {
                        element.add(new Option(labels[i], value));
                    }
                });
                for (const option of element.options) {
                    option.selected = values.includes(option.value);
                }
            } else if (name in data && element.type !== "submit" && element.type !== "button") {
                const index = seen[name] = (seen[name] ?? -1) + 1;
                element.value = values[index] ?? "";
                richTextEditors.get(element)?.commands.setContent(element.value);
            } else {
                continue;
            }
            element.dispatchEvent(new Event("input", {bubbles: true}));
            element.dispatchEvent(new Event("change", {bubbles: true}));
        }
    }

    if (prompt) {
        prompt.hidden = false;
        const done = (message) => {
            prompt.remove();
            status.textContent = message;
            form.querySelector("input[name=headline]")?.focus();
        };
        prompt.querySelector("[data-autosave-restore]").addEventListener("click", () => {
            if (adding && prompt.dataset.formKey) {
                formKey = keyField.value = prompt.dataset.formKey;
            }
            fill(JSON.parse(document.getElementById("autosave-data").textContent));
            done("Your unsaved changes are back in the form. Save the story to keep them.");
        });
        prompt.querySelector("[data-autosave-discard]").addEventListener("click", async () => {
            const body = new FormData();
            body.append("csrfmiddlewaretoken", token);
            body.append("form_key", prompt.dataset.formKey || "");
            const response = await fetch(box.dataset.discardUrl, {method: "POST", credentials: "same-origin", body}).catch(() => null);
            done(response?.ok ? "Your unsaved changes are discarded." : "The unsaved changes could not be discarded; try again later.");
        });
    }
});
