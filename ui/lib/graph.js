// The recovery graph as SVG, built with DOM APIs: accounts on the left,
// the mailboxes that recover them in the middle, the accounts that guard
// those mailboxes on the right (core decides the columns). Weak points are
// drawn red and thick and say so in words; every node names itself for a
// screen reader, and nodes of accounts open them.

import { svg, h } from "./dom.js";

const NODE_W = 236;
const NODE_H = 46;
/** Between the nodes of a column. */
const GAP = 18;
/** Between columns, room for the edges. */
const GAP_X = 96;
const MARGIN = 10;
const TOP = 28;
const HEADINGS = ["Accounts", "Recovery mailboxes", "Guarded by"];
/** Characters of a label that fit a node. */
const FIT = 25;

/** @param {string} text */
function fit(text) {
  return text.length > FIT ? `${text.slice(0, FIT - 1)}…` : text;
}

/**
 * @param {any} graph core's Graph: {nodes, edges}
 * @param {(accountId: string) => void} open what a click on an account does
 * @returns {Element} the drawing (an SVG), or a hint when there is nothing to draw
 */
export function drawGraph(graph, open) {
  if (!graph.nodes.length) {
    return h("p", { class: "hint", id: "recovery-graph-empty", text: "Record the recovery emails in the ways back in of your accounts to see which mailbox recovers what." });
  }
  /** @type {Map<string, {x: number, y: number}>} */
  const at = new Map();
  const rows = [0, 0, 0];
  for (const node of graph.nodes) {
    rows[Math.min(2, node.column)] += 1;
  }
  // Only the columns in use take room, side by side.
  const used = [0, 1, 2].filter((c) => rows[c] > 0);
  const columnX = [0, 0, 0];
  used.forEach((c, i) => (columnX[c] = MARGIN + i * (NODE_W + GAP_X)));
  const width = 2 * MARGIN + used.length * NODE_W + (used.length - 1) * GAP_X;
  const placed = [0, 0, 0];
  for (const node of graph.nodes) {
    const column = Math.min(2, node.column);
    at.set(node.id, { x: columnX[column], y: TOP + placed[column] * (NODE_H + GAP) });
    placed[column] += 1;
  }
  const height = TOP + Math.max(...rows) * (NODE_H + GAP) + 4;
  const weak = graph.nodes.filter((/** @type {any} */ n) => n.weak).map((/** @type {any} */ n) => n.label);
  const title = `Recovery graph: ${graph.nodes.length} nodes${weak.length ? `; weak points: ${weak.join(", ")}` : "; no weak point"}`;
  const marker = svg("marker", { id: "graph-arrow", viewBox: "0 0 10 10", refX: "10", refY: "5", markerWidth: "7", markerHeight: "7", orient: "auto-start-reverse" }, svg("path", { d: "M 0 0 L 10 5 L 0 10 z", class: "graph-arrow" }));
  const edges = graph.edges.map((/** @type {any} */ e) => {
    const a = at.get(e.from);
    const b = at.get(e.to);
    if (!a || !b) {
      return null;
    }
    const forward = b.x > a.x;
    const x1 = forward ? a.x + NODE_W : a.x;
    const x2 = forward ? b.x : b.x + NODE_W;
    const y1 = a.y + NODE_H / 2;
    const y2 = b.y + NODE_H / 2;
    const bend = forward ? GAP_X / 2 : -GAP_X / 2;
    return svg("path", { class: `graph-edge ${e.kind}`, d: `M ${x1} ${y1} C ${x1 + bend} ${y1}, ${x2 - bend} ${y2}, ${x2} ${y2}`, "marker-end": "url(#graph-arrow)", dataset: { from: e.from, to: e.to } });
  });
  const nodes = graph.nodes.map((/** @type {any} */ n) => {
    const p = at.get(n.id) || { x: 0, y: 0 };
    const name = `${n.kind === "mailbox" ? "Mailbox" : "Account"} ${n.label}: ${n.detail}${n.weak ? ", weak point" : ""}`;
    const opens = n.account_id;
    const shape =
      n.kind === "mailbox"
        ? svg("rect", { x: p.x, y: p.y, width: NODE_W, height: NODE_H, rx: NODE_H / 2, class: "graph-shape" })
        : svg("rect", { x: p.x, y: p.y, width: NODE_W, height: NODE_H, rx: 6, class: "graph-shape" });
    const go = () => opens && open(opens);
    return svg(
      "g",
      {
        class: `graph-node ${n.kind}${n.weak ? " weak" : ""}${opens ? " opens" : ""}`,
        dataset: { id: n.id, kind: n.kind, weak: n.weak ? "true" : "false" },
        role: opens ? "button" : "img",
        tabindex: opens ? "0" : null,
        "aria-label": name,
        onclick: go,
        onkeydown: (/** @type {KeyboardEvent} */ event) => {
          if (event.key === "Enter" || event.key === " ") {
            event.preventDefault();
            go();
          }
        },
      },
      svg("title", { text: name }),
      shape,
      svg("text", { x: p.x + NODE_W / 2, y: p.y + 19, class: "graph-label", "text-anchor": "middle", text: fit(n.label) }),
      svg("text", { x: p.x + NODE_W / 2, y: p.y + 36, class: "graph-detail", "text-anchor": "middle", text: n.weak ? `weak point · ${n.detail}` : n.detail }),
    );
  });
  const headings = HEADINGS.map((text, i) => (rows[i] ? svg("text", { x: columnX[i] + NODE_W / 2, y: 16, class: "graph-heading", "text-anchor": "middle", text }) : null));
  return svg(
    "svg",
    { id: "recovery-graph", class: "recovery-graph", viewBox: `0 0 ${width} ${height}`, width, height, role: "group", "aria-label": title, preserveAspectRatio: "xMidYMin meet" },
    svg("defs", {}, marker),
    ...headings,
    ...edges,
    ...nodes,
  );
}
