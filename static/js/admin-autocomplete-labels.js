"use strict";
// Select2, which draws the admin's autocomplete fields, names its combobox after the chosen value
// (or nothing) instead of the field, and puts its "remove all" button straight inside a list.
// Give every autocomplete the name of its field's <label> and keep its list a list, each time
// select2 draws or redraws one.
{
    const labelId = (select) => {
        const label = select.id && document.querySelector(`label[for="${select.id}"]`);
        if (label && !label.id) {
            label.id = `${select.id}-label`;
        }
        return label ? label.id : null;
    };

    const repair = (select) => {
        const container = select.nextElementSibling;
        const id = labelId(select);
        if (!id || !container || !container.classList.contains("select2")) {
            return;
        }
        const combobox = container.querySelector(".select2-selection[role=combobox]");
        const rendered = container.querySelector(".select2-selection__rendered");
        if (!combobox || !rendered) {
            return;
        }
        if (combobox.classList.contains("select2-selection--single")) {
            combobox.setAttribute("aria-labelledby", `${id} ${rendered.id}`);
            rendered.setAttribute("aria-labelledby", id);
            return;
        }
        combobox.setAttribute("aria-labelledby", id);
        const search = container.querySelector(".select2-search__field");
        if (search) {
            search.setAttribute("aria-labelledby", id);
        }
        const clear = rendered.querySelector(":scope > .select2-selection__clear");
        if (clear) {
            const item = document.createElement("li");
            rendered.prepend(item);
            item.append(clear);
        }
    };

    new MutationObserver(() => {
        document.querySelectorAll("select.admin-autocomplete").forEach(repair);
    }).observe(document.documentElement, {childList: true, subtree: true});
}
