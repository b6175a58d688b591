"use strict";
// The rich-text editor draws an editable region in place of the field's <textarea>, but the
// region has no name: screen readers announce a nameless text box. Name it after the field's
// <label>, describe it with the field's help text, and let a click on the label focus it, as a
// click on the label of any other field does.
document.addEventListener("prose-editor:ready", ({detail: {editor, textarea}}) => {
    const region = editor.view.dom;
    const label = textarea.id && document.querySelector(`label[for="${textarea.id}"]`);
    if (label) {
        label.id ||= `${textarea.id}-label`;
        region.setAttribute("aria-labelledby", label.id);
        label.addEventListener("click", () => editor.commands.focus());
    }
    const help = textarea.getAttribute("aria-describedby");
    if (help) {
        region.setAttribute("aria-describedby", help);
    }
    region.setAttribute("aria-multiline", "true");
});
