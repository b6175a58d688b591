"use strict";
// The image picker runs in a window opened by the story body's editor. Placing an image hands
// its library address and id back to the editor, which puts them in its figure dialog.
document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-pick-image]");
    const list = button && button.closest("[data-callback]");
    const editor = window.opener && window.opener.CKEDITOR;
    if (!list || !editor) {
        return;
    }
    editor.tools.callFunction(Number(list.dataset.callback), button.dataset.url, {
        id: button.dataset.pickImage,
        alternative_text: button.dataset.alt,
        caption: button.dataset.caption,
    });
    window.close();
});
