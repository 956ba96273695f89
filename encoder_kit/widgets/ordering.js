// encoder-kit ordering list: drag-and-drop with a mouse, Move up / Move down / Leave out /
// Add buttons (with accessible labels) for keyboard and screen-reader users.
// Model: items [{id, text}], order [ids in the student's order]; items not in order are
// "left out". Every change is sent to the kernel with save_changes().

function render({ model, el }) {
  const root = document.createElement("div");
  root.className = "ek-ordering";
  const live = document.createElement("div");
  live.className = "ek-sr-only";
  live.setAttribute("aria-live", "polite");
  const orderHead = document.createElement("div");
  orderHead.className = "ek-list-head";
  orderHead.id = "ek-order-head-" + Math.random().toString(36).slice(2);
  const orderList = document.createElement("ol");
  orderList.className = "ek-order-list";
  orderList.setAttribute("aria-labelledby", orderHead.id);
  const poolHead = document.createElement("div");
  poolHead.className = "ek-list-head";
  poolHead.textContent = "Left out (steps that do not belong to the process)";
  const poolList = document.createElement("ul");
  poolList.className = "ek-pool-list";
  poolList.setAttribute("aria-label", "Left out");
  root.append(orderHead, orderList, poolHead, poolList, live);
  el.appendChild(root);
  let dragged = null;

  const textOf = (id) => {
    const item = model.get("items").find((it) => it.id === id);
    return item ? item.text : id;
  };

  function commit(order, focus, message) {
    model.set("order", order);
    model.save_changes();
    draw();
    if (focus) {
      const li = root.querySelector(`[data-item-id="${CSS.escape(focus.id)}"]`);
      const button = li && (li.querySelector(`.${focus.action}:not([disabled])`)
        || li.querySelector("button:not([disabled])"));
      if (button) button.focus();
    }
    live.textContent = message || "";
  }

  function move(id, delta) {
    const order = [...model.get("order")];
    const from = order.indexOf(id);
    const to = from + delta;
    if (from < 0 || to < 0 || to >= order.length) return;
    order.splice(from, 1);
    order.splice(to, 0, id);
    const action = delta < 0 ? "ek-up" : "ek-down";
    commit(order, { id, action }, `"${textOf(id)}" moved to position ${to + 1} of ${order.length}`);
  }

  function place(id, index) {
    const order = model.get("order").filter((x) => x !== id);
    const at = index === null ? order.length : Math.max(0, Math.min(index, order.length));
    order.splice(at, 0, id);
    commit(order, null, `"${textOf(id)}" placed at position ${at + 1} of ${order.length}`);
  }

  function leaveOut(id) {
    commit(model.get("order").filter((x) => x !== id), { id, action: "ek-add" },
      `"${textOf(id)}" left out`);
  }

  function button(label, cls, aria, handler, disabled) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = `ek-btn ${cls}`;
    b.textContent = label;
    b.title = aria;
    b.setAttribute("aria-label", aria);
    b.disabled = !!disabled;
    b.addEventListener("click", (e) => { e.preventDefault(); handler(); });
    return b;
  }

  function makeItem(id, index, total, inOrder) {
    const li = document.createElement("li");
    li.className = "ek-item";
    li.draggable = true;
    li.dataset.itemId = id;
    const handle = document.createElement("span");
    handle.className = "ek-handle";
    handle.setAttribute("aria-hidden", "true");
    handle.textContent = "⠿";
    const text = document.createElement("span");
    text.className = "ek-text";
    text.textContent = textOf(id);
    li.append(handle, text);
    const tools = document.createElement("span");
    tools.className = "ek-tools";
    const t = textOf(id);
    if (inOrder) {
      tools.append(
        button("↑", "ek-up", `Move "${t}" up`, () => move(id, -1), index === 0),
        button("↓", "ek-down", `Move "${t}" down`, () => move(id, 1), index === total - 1),
        button("✕", "ek-remove", `Leave out "${t}"`, () => leaveOut(id)));
    } else {
      tools.append(button("Add", "ek-add", `Add "${t}" to the end of the order`,
        () => place(id, null)));
    }
    li.append(tools);
    li.addEventListener("dragstart", (e) => {
      dragged = id;
      li.classList.add("ek-dragging");
      e.dataTransfer.effectAllowed = "move";
      e.dataTransfer.setData("text/plain", id);
    });
    li.addEventListener("dragend", () => { dragged = null; li.classList.remove("ek-dragging"); });
    li.addEventListener("dragover", (e) => { e.preventDefault(); li.classList.add("ek-over"); });
    li.addEventListener("dragleave", () => li.classList.remove("ek-over"));
    li.addEventListener("drop", (e) => {
      e.preventDefault();
      e.stopPropagation();
      li.classList.remove("ek-over");
      const source = dragged || e.dataTransfer.getData("text/plain");
      if (!source || source === id) return;
      if (!inOrder) { leaveOut(source); return; }
      const rect = li.getBoundingClientRect();
      const after = e.clientY > rect.top + rect.height / 2;
      const order = model.get("order").filter((x) => x !== source);
      place(source, order.indexOf(id) + (after ? 1 : 0));
    });
    return li;
  }

  for (const [list, inOrder] of [[orderList, true], [poolList, false]]) {
    list.addEventListener("dragover", (e) => e.preventDefault());
    list.addEventListener("drop", (e) => {
      e.preventDefault();
      const source = dragged || e.dataTransfer.getData("text/plain");
      if (!source) return;
      if (inOrder) place(source, null); else leaveOut(source);
    });
  }

  function draw() {
    const order = model.get("order");
    const left = model.get("items").map((it) => it.id).filter((id) => !order.includes(id));
    orderHead.textContent = `${model.get("label")} (${order.length} step${order.length === 1 ? "" : "s"}; first at the top)`;
    orderList.replaceChildren(...order.map((id, i) => makeItem(id, i, order.length, true)));
    poolList.replaceChildren(...left.map((id, i) => makeItem(id, i, left.length, false)));
    if (!order.length) {
      const empty = document.createElement("li");
      empty.className = "ek-empty";
      empty.textContent = "Empty: drag steps here, or press Add below.";
      orderList.append(empty);
    }
  }

  model.on("change:order", draw);
  model.on("change:items", draw);
  draw();
}

export default { render };
