/*
 * Autocomplete for the comma-separated tag input on the story form, following the
 * WAI-ARIA combobox pattern (list autocomplete, no automatic selection): arrows move
 * through the matches, Enter picks one, Escape closes the list. A name that matches no tag
 * is offered last as "Create tag": only choosing it marks the name to be created on save
 * (a hidden "create_tags" value); otherwise saving asks to confirm it.
 */
"use strict";
(function () {
    const DELAY = 150;

    function segmentAt(value, caret) {
        const start = value.lastIndexOf(",", caret - 1) + 1;
        let end = value.indexOf(",", caret);
        if (end === -1) {
            end = value.length;
        }
        return {start: start, end: end, text: value.slice(start, end).trim()};
    }

    function typedNames(value) {
        return value.split(",").map((name) => name.trim().toLowerCase()).filter(Boolean);
    }

    function setUp(container) {
        const input = container.querySelector("input[role=combobox]");
        const listbox = container.querySelector("[role=listbox]");
        const status = container.querySelector("[role=status]");
        const url = container.dataset.suggestUrl;
        let options = [];
        let active = -1;
        let timer = null;
        let controller = null;

        function close() {
            listbox.hidden = true;
            listbox.replaceChildren();
            input.setAttribute("aria-expanded", "false");
            input.removeAttribute("aria-activedescendant");
            options = [];
            active = -1;
        }

        function highlight(index) {
            active = index;
            listbox.querySelectorAll("[role=option]").forEach((option, i) => {
                option.setAttribute("aria-selected", i === index ? "true" : "false");
            });
            if (index >= 0) {
                const option = listbox.children[index];
                input.setAttribute("aria-activedescendant", option.id);
                // Scroll the list only, never the page around it.
                if (option.offsetTop < listbox.scrollTop) {
                    listbox.scrollTop = option.offsetTop;
                } else if (option.offsetTop + option.offsetHeight > listbox.scrollTop + listbox.clientHeight) {
                    listbox.scrollTop = option.offsetTop + option.offsetHeight - listbox.clientHeight;
                }
            } else {
                input.removeAttribute("aria-activedescendant");
            }
        }

        function cancelLookUp() {
            clearTimeout(timer);
            if (controller) {
                controller.abort();
                controller = null;
            }
        }

        function markToCreate(name) {
            const form = input.form;
            const already = Array.from(form.querySelectorAll("input[name=create_tags]"))
                .some((field) => field.value.toLowerCase() === name.toLowerCase());
            if (!already) {
                const field = document.createElement("input");
                field.type = "hidden";
                field.name = "create_tags";
                field.value = name;
                container.append(field);
            }
        }

        function choose(index) {
            cancelLookUp();
            const name = options[index].name;
            if (options[index].create) {
                markToCreate(name);
            }
            const value = input.value;
            const segment = segmentAt(value, input.selectionStart ?? value.length);
            const before = value.slice(0, segment.start);
            const after = value.slice(segment.end).replace(/^\s*,\s*/, "");
            const inserted = (before.trim() ? " " : "") + name + ", ";
            input.value = before + inserted + after;
            const caret = (before + inserted).length;
            input.setSelectionRange(caret, caret);
            const created = options[index].create;
            close();
            status.textContent = name + (created ? " will be created as a new tag when you save." : " added.");
        }

        function show(results, term) {
            const already = new Set(typedNames(input.value));
            const matches = results.filter(
                (result) => !already.has(result.name.toLowerCase()) ||
                    result.name.toLowerCase() === term.toLowerCase()
            );
            // The same matches again (a keystroke that changed nothing) leave the list as it
            // is, so an option under the pointer is not swapped for a copy mid-click.
            if (!results.some((result) => result.name.toLowerCase() === term.toLowerCase())) {
                matches.push({name: term, create: true});
            }
            const same = !listbox.hidden && matches.length === options.length &&
                matches.every((result, i) => result.name === options[i].name && result.count === options[i].count);
            if (same) {
                return;
            }
            options = matches;
            listbox.replaceChildren();
            options.forEach((result, i) => {
                const option = document.createElement("li");
                option.id = listbox.id + "_option" + i;
                option.setAttribute("role", "option");
                option.setAttribute("aria-selected", "false");
                if (result.create) {
                    option.append("Create tag “" + result.name + "”");
                    option.className = "tag-input-create";
                } else {
                    option.append(result.name);
                    const count = document.createElement("span");
                    count.className = "tag-input-count";
                    count.textContent = "(" + result.count + (result.count === 1 ? " story)" : " stories)");
                    option.append(count);
                }
                if (result.alias) {
                    const alias = document.createElement("span");
                    alias.className = "tag-input-alias";
                    alias.textContent = "for “" + result.alias + "”";
                    option.append(alias);
                }
                option.dataset.index = String(i);
                listbox.append(option);
            });
            active = -1;
            const existing = options.filter((result) => !result.create).length;
            listbox.hidden = false;
            input.setAttribute("aria-expanded", "true");
            status.textContent = (existing ? existing + (existing === 1 ? " existing tag matches" : " existing tags match")
                : "No existing tag matches “" + term + "”") +
                ". Use the up and down arrows to choose, Enter to add" +
                (existing === options.length ? "." : "; the last option creates a new tag.");
        }

        function lookUp() {
            const term = segmentAt(input.value, input.selectionStart ?? input.value.length).text;
            if (controller) {
                controller.abort();
            }
            if (!term) {
                close();
                return;
            }
            controller = new AbortController();
            fetch(url + "?q=" + encodeURIComponent(term), {
                credentials: "same-origin",
                headers: {"Accept": "application/json"},
                signal: controller.signal,
            })
                .then((response) => (response.ok ? response.json() : {results: []}))
                .then((data) => show(data.results, term))
                .catch((error) => {
                    if (error.name !== "AbortError") {
                        close();
                    }
                });
        }

        // An option is chosen as the button goes down, before the input can lose focus and
        // before a late answer can redraw the list under the pointer.
        listbox.addEventListener("mousedown", (event) => {
            event.preventDefault();
            const option = event.target.closest("[role=option]");
            if (option && listbox.contains(option)) {
                choose(Number(option.dataset.index));
            }
        });

        input.addEventListener("input", () => {
            clearTimeout(timer);
            timer = setTimeout(lookUp, DELAY);
        });

        input.addEventListener("keydown", (event) => {
            const open = !listbox.hidden && options.length > 0;
            if (event.key === "ArrowDown") {
                event.preventDefault();
                if (open) {
                    highlight((active + 1) % options.length);
                } else {
                    lookUp();
                }
            } else if (event.key === "ArrowUp" && open) {
                event.preventDefault();
                highlight(active <= 0 ? options.length - 1 : active - 1);
            } else if (event.key === "Enter" && open && active >= 0) {
                event.preventDefault();
                choose(active);
            } else if (event.key === "Escape" && open) {
                event.preventDefault();
                close();
            } else if (event.key === "Tab") {
                close();
            }
        });

        input.addEventListener("blur", () => {
            cancelLookUp();
            close();
        });
    }

    function init() {
        document.querySelectorAll(".tag-input[data-suggest-url]").forEach(setUp);
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", init);
    } else {
        init();
    }
})();
