// The call graph on a Cytoscape canvas: laid out once (dagre, left to right), then updated in
// place, so nodes stay where the reader last saw them; new nodes are put beside a neighbour.
import cytoscape from 'cytoscape';
import dagre from 'cytoscape-dagre';
import { fmtMs, fmtPct, fmtRate } from './util.js';
import { health, worst } from './health.js';

cytoscape.use(dagre);

const COLORS = { ok: '#3c9d5d', warn: '#e0a100', bad: '#d2352c', unknown: '#9aa3b2' };
const SHAPES = { service: 'round-rectangle', database: 'barrel', queue: 'rhomboid', virtual: 'ellipse', entry: 'ellipse' };
const LAYOUT = { name: 'dagre', rankDir: 'LR', nodeSep: 18, rankSep: 110, edgeSep: 8, animate: false, fit: true, padding: 30 };

const STYLE = [
  { selector: 'node', style: {
    shape: (n) => SHAPES[n.data('type')] ?? 'round-rectangle',
    width: 'data(w)', height: 34,
    'background-color': (n) => COLORS[n.data('health')] ?? COLORS.unknown,
    'background-opacity': 0.92,
    label: 'data(label)', 'text-wrap': 'wrap', 'text-valign': 'center', 'text-halign': 'center',
    color: '#fff', 'font-size': 10, 'font-weight': 600, 'min-zoomed-font-size': 5,
    'border-width': 1, 'border-color': '#ffffff',
  } },
  { selector: 'node[type = "virtual"]', style: { 'border-style': 'dashed', 'border-width': 2, 'border-color': '#6b7385' } },
  { selector: 'node[type = "entry"]', style: { 'background-color': '#39435a', width: 50 } },
  { selector: 'edge', style: {
    width: 'data(width)', 'curve-style': 'bezier', 'target-arrow-shape': 'triangle', 'arrow-scale': 0.8,
    'line-color': 'data(color)', 'target-arrow-color': 'data(color)',
    label: 'data(label)', 'font-size': 8, color: '#39435a', 'text-rotation': 'autorotate',
    'text-background-color': '#f7f8fa', 'text-background-opacity': 0.85, 'text-background-padding': 1,
    'min-zoomed-font-size': 7,
  } },
  { selector: '.faded', style: { opacity: 0.3 } },
  { selector: 'node.match', style: { 'border-width': 4, 'border-color': '#ffd400' } },
  { selector: 'node.onpath', style: { 'border-width': 4, 'border-color': '#7b2cbf', opacity: 1 } },
  { selector: 'node.root', style: { 'border-width': 7, 'border-color': '#d2352c', 'border-style': 'double' } },
  { selector: 'node.atrisk', style: { 'border-width': 3, 'border-color': '#e76f00', 'border-style': 'dashed', opacity: 1 } },
  { selector: 'edge.onpath', style: { width: 6, 'line-color': '#7b2cbf', 'target-arrow-color': '#7b2cbf', opacity: 1, 'z-index': 10 } },
  { selector: 'edge.contain', style: { width: 5, 'line-style': 'dashed', 'line-color': '#0a7bd6', 'target-arrow-color': '#0a7bd6', opacity: 1, 'z-index': 11, color: '#0a7bd6', 'font-weight': 700 } },
  { selector: 'node:selected', style: { 'overlay-color': '#0a64b8', 'overlay-opacity': 0.15, 'overlay-padding': 6 } },
];

function edgeColor(errorRate) {
  if (errorRate >= 0.05) return COLORS.bad;
  if (errorRate >= 0.01) return COLORS.warn;
  return '#aab2c0';
}

function edgeLabel(edge) {
  const p99 = edge.latencyMs?.p99 ?? edge.queueWaitMs?.p99;
  const base = `${fmtRate(edge.callRate)} · ${fmtPct(edge.errorRate)}`;
  return p99 == null ? base : `${base} · p99 ${fmtMs(p99)}`;
}

/** The graph view; {@code onSelect(nodeId)} is called when a node is clicked. */
export function createGraph(container, onSelect) {
  const cy = cytoscape({
    container, style: STYLE, wheelSensitivity: 0.3, minZoom: 0.05, maxZoom: 4,
    boxSelectionEnabled: false, selectionType: 'single', textureOnViewport: true, hideEdgesOnViewport: false,
  });
  cy.on('tap', 'node', (event) => onSelect(event.target.id()));
  let highlight = null;
  let searchText = '';

  /**
   * Brings the canvas to {@code graph}, coloured against {@code baseline} (either may lack nodes)
   * and by what open incidents say ({@code fromIncidents}: node id -> level).
   */
  function update(graph, baseline, fromIncidents = new Map()) {
    const started = performance.now();
    const nodes = graph.nodes ?? [];
    const edges = graph.edges ?? [];
    const baseNodes = new Map((baseline?.nodes ?? []).map((n) => [n.id, n]));
    const incoming = groupIncoming(edges);
    const baseIncoming = groupIncoming(baseline?.edges ?? []);
    const wanted = new Set([...nodes.map((n) => n.id), ...edges.map((e) => e.id)]);
    const added = [];
    const firstTime = cy.nodes().length === 0;
    cy.batch(() => {
      cy.elements().forEach((el) => { if (!wanted.has(el.id())) el.remove(); });
      for (const node of nodes) {
        const data = {
          id: node.id, type: node.type, name: node.name,
          label: node.type === 'entry' ? 'entry' : `${node.name}\n${fmtRate(node.requestRate)}`,
          w: Math.max(60, Math.min(220, node.name.length * 6.4 + 22)),
          health: worst(
            health(node, incoming.get(node.id), baseNodes.get(node.id), baseIncoming.get(node.id)),
            fromIncidents.get(node.id)),
        };
        const existing = cy.getElementById(node.id);
        if (existing.nonempty()) {
          existing.data(data);
        } else {
          added.push(cy.add({ group: 'nodes', data }));
        }
      }
      for (const edge of edges) {
        const data = {
          id: edge.id, source: edge.source, target: edge.target, kind: edge.kind,
          label: edgeLabel(edge), color: edgeColor(edge.errorRate ?? 0),
          width: Math.max(1, Math.min(7, 1 + Math.log10(1 + (edge.callRate ?? 0)) * 1.8)),
        };
        const existing = cy.getElementById(edge.id);
        if (existing.nonempty()) {
          existing.data(data);
        } else if (cy.getElementById(edge.source).nonempty() && cy.getElementById(edge.target).nonempty()) {
          cy.add({ group: 'edges', data });
        }
      }
    });
    if (added.length > 0) {
      if (firstTime || added.length * 2 > cy.nodes().length) {
        cy.layout(LAYOUT).run();
      } else {
        added.forEach(placeBesideNeighbour);
      }
    }
    applyClasses();
    return performance.now() - started;
  }

  function groupIncoming(edges) {
    const map = new Map();
    for (const e of edges) {
      if (!map.has(e.target)) map.set(e.target, []);
      map.get(e.target).push(e);
    }
    return map;
  }

  // A new node goes one rank right of a caller (or left of a callee), in the first free slot.
  function placeBesideNeighbour(node) {
    const callers = node.incomers('node').filter((n) => !n.same(node) && n.position());
    const callees = node.outgoers('node').filter((n) => !n.same(node));
    let x;
    let y;
    if (callers.nonempty()) {
      x = callers[0].position('x') + 200;
      y = callers[0].position('y');
    } else if (callees.nonempty()) {
      x = callees[0].position('x') - 200;
      y = callees[0].position('y');
    } else {
      const box = cy.nodes().not(node).boundingBox();
      x = box.x1;
      y = box.y2 + 60;
    }
    const taken = (yy) => cy.nodes().not(node).some((n) => Math.abs(n.position('x') - x) < 90 && Math.abs(n.position('y') - yy) < 40);
    for (let i = 0; i < 40 && taken(y); i++) {
      y += (i % 2 === 0 ? 1 : -1) * 45 * (i + 1);
    }
    node.position({ x, y });
  }

  function applyClasses() {
    cy.batch(() => {
      cy.elements().removeClass('faded match onpath root atrisk contain');
      if (highlight) {
        cy.elements().addClass('faded');
        const pathNodes = highlight.path.filter((h) => h.role !== 'at-risk').map((h) => h.node);
        pathNodes.forEach((id) => cy.getElementById(id).removeClass('faded').addClass('onpath'));
        highlight.path.filter((h) => h.role === 'at-risk').forEach((h) => cy.getElementById(h.node).removeClass('faded').addClass('atrisk'));
        for (let i = 0; i + 1 < pathNodes.length; i++) {
          edgesBetween(pathNodes[i], pathNodes[i + 1]).removeClass('faded').addClass('onpath');
        }
        cy.getElementById(highlight.rootCause.node).removeClass('faded').addClass('root');
        for (const c of highlight.containment ?? []) {
          const between = edgesBetween(c.from, c.to);
          between.removeClass('faded').addClass('contain');
          between.forEach((e) => e.data('label', `⊘ ${c.mechanism}`));
          cy.getElementById(c.from).removeClass('faded');
          cy.getElementById(c.to).removeClass('faded');
        }
      } else if (searchText) {
        const matches = cy.nodes().filter((n) => n.data('name').toLowerCase().includes(searchText));
        cy.elements().addClass('faded');
        matches.removeClass('faded').addClass('match');
      }
    });
  }

  function edgesBetween(a, b) {
    return cy.edges().filter((e) => (e.source().id() === a && e.target().id() === b) || (e.source().id() === b && e.target().id() === a));
  }

  return {
    update,
    /** Lights up an incident's path, root cause and containment points (null clears). */
    highlight(incident) {
      highlight = incident;
      applyClasses();
      if (incident) {
        const ids = new Set(incident.path.map((h) => h.node));
        const shown = cy.nodes().filter((n) => ids.has(n.id()));
        if (shown.nonempty()) cy.animate({ fit: { eles: shown.closedNeighborhood(), padding: 60 }, duration: 300 });
      }
    },
    /** Fades what does not match; returns the matching node ids. */
    search(text) {
      searchText = (text ?? '').trim().toLowerCase();
      applyClasses();
      return searchText ? cy.nodes('.match').map((n) => n.id()) : [];
    },
    focus(id) {
      const node = cy.getElementById(id);
      if (node.nonempty()) {
        cy.nodes().unselect();
        node.select();
        cy.animate({ center: { eles: node }, zoom: Math.max(cy.zoom(), 1), duration: 250 });
      }
    },
    relayout() {
      cy.layout({ ...LAYOUT, animate: true, animationDuration: 400 }).run();
    },
    // For tests and curious readers: what the canvas holds.
    state() {
      return {
        nodes: cy.nodes().map((n) => ({ id: n.id(), health: n.data('health'), x: n.position('x'), y: n.position('y') })),
        edges: cy.edges().map((e) => e.id()),
        pathNodes: cy.nodes('.onpath').map((n) => n.id()),
        pathEdges: cy.edges('.onpath').map((e) => e.id()),
        root: cy.nodes('.root').map((n) => n.id()),
        containment: cy.edges('.contain').map((e) => e.id()),
      };
    },
  };
}
