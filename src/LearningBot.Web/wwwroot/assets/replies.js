// Renders the bot's platform-neutral reply blocks (BotReply JSON) into the page: used by the playground and by
// the personal page. Every piece of text goes through textContent (never innerHTML), so nothing a user typed
// can become HTML; only same-site paths and http(s) addresses become links.
window.LearningBotReplies = (() => {
  const el = (tag, className, content) => {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (content !== undefined) node.textContent = content;
    return node;
  };

  function renderRichText(parent, rich) {
    for (const span of rich.spans) {
      if (span.type === "strong") parent.append(el("strong", null, span.text));
      else if (span.type === "mention") parent.append(el("span", "mention", "@" + span.displayName));
      else if (span.type === "code") parent.append(el("code", null, span.text));
      else if (span.type === "link" && /^(\/(?!\/)|https?:\/\/)/.test(span.url)) {
        // Only same-site paths and http(s) addresses become links; anything else stays text.
        const link = el("a", null, span.text);
        link.href = span.url;
        link.target = "_blank";
        link.rel = "noopener";
        parent.append(link);
      }
      else parent.append(document.createTextNode(span.text));
    }
    return parent;
  }

  function renderBlocks(parent, blocks, onAction) {
    for (const block of blocks) {
      switch (block.type) {
        case "heading": parent.append(el("h3", null, block.text)); break;
        case "text": parent.append(renderRichText(el("p"), block.text)); break;
        case "note": parent.append(renderRichText(el("p", "note"), block.text)); break;
        case "list": {
          const ul = el("ul");
          for (const item of block.items) {
            const li = renderRichText(el("li"), item.text);
            if (item.meta) li.append(el("span", "meta", item.meta));
            ul.append(li);
          }
          parent.append(ul);
          break;
        }
        case "facts": {
          const dl = el("dl");
          for (const fact of block.facts) {
            const row = el("div");
            row.append(el("dt", null, fact.label), el("dd", null, fact.value));
            dl.append(row);
          }
          parent.append(dl);
          break;
        }
        case "actions": {
          const row = el("div", "actions");
          for (const action of block.actions) {
            const button = el("button", null, action.label);
            button.type = "button";
            if (onAction) button.addEventListener("click", () => onAction(action));
            else button.disabled = true;
            row.append(button);
          }
          parent.append(row);
          break;
        }
      }
    }
    return parent;
  }

  return { renderBlocks, renderRichText };
})();
