"use strict";
// Counts under the headline and the body of a story as they are typed: the headline's
// characters against its limit, the body's words (against the story's target length, if one
// is set) and characters. The counts on screen follow every key; a screen reader is told the
// body's count only once typing pauses, so that it does not talk over the writer.
function describedBy(element, id) {
    const ids = (element.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    element.setAttribute("aria-describedby", [...ids, id].join(" "));
}

// The editor may be ready before or after the page is: its region is described either way.
document.addEventListener("prose-editor:ready", ({detail: {textarea, editor}}) => {
    if (textarea.name === "body" && textarea.closest("#story_form")) {
        describedBy(editor.view.dom, "body-count-described");
    }
});

document.addEventListener("DOMContentLoaded", () => {
    const body = document.querySelector("#story_form textarea[name=body]");
    if (!body) {
        return;
    }
    const headline = document.querySelector("#story_form input[name=headline]");
    const target = document.querySelector("#story_form input[name=target_words]");
    const number = new Intl.NumberFormat("en-US");
    const plural = (count, one, many) => `${number.format(count)} ${count === 1 ? one : many}`;
    const ANNOUNCE_AFTER = 2000;

    function counter(field, id) {
        const count = document.createElement("p");
        count.className = "writing-count";
        count.id = id;
        (field.closest(".prose-editor") || field).after(count);
        return count;
    }

    function bodyText() {
        // The editor keeps the textarea's HTML up to date; read it as text, a space between
        // blocks so that the last word of a paragraph and the first of the next stay two.
        const page = new DOMParser().parseFromString(body.value, "text/html");
        for (const block of page.body.querySelectorAll("p, h2, h3, h4, li, blockquote, figcaption, br")) {
            block.after(" ");
        }
        return page.body.textContent.replace(/\s+/g, " ").trim();
    }

    function bodyCount() {
        const text = bodyText();
        const words = text ? text.split(" ").length : 0;
        const goal = target && /^\d+$/.test(target.value.trim()) ? Number(target.value) : 0;
        const wordsPart = goal
            ? `${number.format(words)} of ${plural(goal, "word", "words")}`
            : plural(words, "word", "words");
        return {text: `${wordsPart}, ${plural(text.length, "character", "characters")}`, over: goal > 0 && words > goal};
    }

    const bodyCounter = counter(body, "body-count");
    bodyCounter.setAttribute("aria-hidden", "true");
    // What a screen reader hears, a moment after typing stops.
    const announcer = document.createElement("p");
    announcer.className = "visually-hidden";
    announcer.setAttribute("aria-live", "polite");
    bodyCounter.after(announcer);
    // The count on screen is hidden from screen readers, so it is also given with the body.
    const described = document.createElement("span");
    described.className = "visually-hidden";
    described.id = "body-count-described";
    announcer.after(described);

    let pause;
    function showBody({announce = true} = {}) {
        const {text, over} = bodyCount();
        bodyCounter.textContent = text;
        bodyCounter.classList.toggle("over-target", over);
        described.textContent = `Length: ${text}.`;
        clearTimeout(pause);
        if (announce) {
            pause = setTimeout(() => { announcer.textContent = `Body: ${text}.`; }, ANNOUNCE_AFTER);
        }
    }
    body.addEventListener("input", () => showBody());
    target?.addEventListener("input", () => showBody());
    showBody({announce: false});

    if (headline) {
        const headlineCounter = counter(headline, "headline-count");
        const limit = headline.maxLength > 0 ? headline.maxLength : 0;
        const showHeadline = () => {
            const length = headline.value.length;
            headlineCounter.textContent = limit
                ? `${number.format(length)} of ${plural(limit, "character", "characters")}`
                : plural(length, "character", "characters");
        };
        describedBy(headline, headlineCounter.id);
        headline.addEventListener("input", showHeadline);
        showHeadline();
    }
});
