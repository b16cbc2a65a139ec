/*! Kartotek search box: <script src="https://kartotek.example/widget.js" defer></script>
 *  then <kartotek-search></kartotek-search> anywhere on the page.
 *
 *  Attributes (all optional):
 *    programme, region, network, theme, year, period, doctype  preset filters; several paths
 *                  separated by spaces
 *    doc-lang      only documents in these languages ("nb en")
 *    from, to      only documents dated in this range ("2021", "2021-06", "2021-06-30")
 *    sort          "relevance" (default) or "date" (newest first)
 *    ui            interface language: nb, nn, sv, da, fi, en (default: the element's or page's lang)
 *    placeholder   text in the empty field
 *    limit         number of results shown (1-20, default 6)
 *    key           search key, for servers started with KARTOTEK_SEARCH_KEY
 *
 *  The API base is the origin (and folder) this script was loaded from. Results are built with
 *  DOM methods only: document text is never parsed as HTML; the snippet's <mark> is rebuilt as
 *  elements from the escaped text the API returns. Results open their document page.
 *
 *  Keyboard and screen readers follow the WAI-ARIA combobox pattern (list popup): the field is
 *  the combobox and keeps focus; Down/Up move the active option (aria-activedescendant, wrapping),
 *  Enter opens it, Escape closes the list (a second Escape clears the field), Home/End move the
 *  caret; a polite live region says how many documents were found. */
(() => {
  "use strict";
  if (window.customElements === undefined || customElements.get("kartotek-search")) return;

  const script =
    document.currentScript ||
    Array.from(document.querySelectorAll("script[src]")).find((s) => /\/widget\.js(?:[?#]|$)/.test(s.src));
  const BASE = script ? new URL(".", script.src).href.replace(/\/$/, "") : location.origin;

  // Interface strings per language: the server writes them in from the search page's tables
  // (src/server/i18n.rs) when it serves this file.
  const STRINGS = /*@strings*/ {};
  const TEXT = Object.fromEntries(
    Object.entries(STRINGS).map(([code, s]) => [code, { ...s, results: (n) => (n === 1 ? `1 ${s.one}` : `${n} ${s.many}`) }]),
  );
  const FILTERS = ["programme", "region", "network", "theme", "year", "period", "doctype"];

  const CSS = `
:host { all: initial; display: block; position: relative; max-width: 640px; contain: layout; }
/* Sizes are in px and em, never rem: the host page's root font size must not reach in
   (a host rule like "* { font-size: 40px }" sets it). */
.sr { position: absolute !important; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
:host([hidden]) { display: none; }
/* Fonts and colours are set on an inner element: host-page rules on the element itself cannot reach it. */
.k { position: relative; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "Noto Sans", "DejaVu Sans", Arial, sans-serif;
  color: #14212b; text-align: left; letter-spacing: normal; text-transform: none; }
* { box-sizing: border-box; }
.box { display: flex; align-items: center; gap: 8px; background: #fff; border: 1.5px solid #c9d3dc; border-radius: 10px; padding: 0 12px; transition: border-color .15s, box-shadow .15s; }
.box:focus-within { border-color: #1d5d93; box-shadow: 0 0 0 3px rgba(29, 93, 147, .18); }
.box svg { flex: none; color: #5b6b78; }
input { flex: 1; min-width: 0; border: 0; outline: 0; background: transparent; font: inherit; font-size: 1em; color: inherit; padding: 11px 0; }
input::-webkit-search-cancel-button { cursor: pointer; }
.panel { position: absolute; z-index: 2147483000; left: 0; right: 0; top: calc(100% + 6px); background: #fff; border: 1px solid #dde4ea;
  border-radius: 12px; box-shadow: 0 14px 40px rgba(15, 40, 60, .18); overflow: hidden; }
.panel[hidden] { display: none; }
.status { margin: 0; padding: 9px 14px; font-size: .8em; color: #5b6b78; border-bottom: 1px solid #eef2f5; }
ul { list-style: none; margin: 0; padding: 4px; max-height: min(70vh, 520px); overflow-y: auto; }
li { margin: 0; }
li.hit { display: block; padding: 10px 12px; border-radius: 8px; color: inherit; cursor: pointer; }
li.hit[aria-selected="true"], li.hit:hover { background: #eef4fa; }
li.hit[aria-selected="true"] { box-shadow: inset 3px 0 0 #1d5d93; }
.t { display: block; font-weight: 650; color: #14436b; line-height: 1.35; }
.m { display: block; font-size: .78em; color: #2f7d4f; margin-top: 1px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.s { display: block; font-size: .86em; color: #3a4955; margin-top: 3px; display: -webkit-box; -webkit-line-clamp: 3; -webkit-box-orient: vertical; overflow: hidden; }
mark { background: #fff0a8; color: inherit; border-radius: 2px; padding: 0 1px; }
.all { display: block; padding: 9px 14px; border-top: 1px solid #eef2f5; font-size: .84em; color: #1d5d93; text-decoration: none; text-align: right; }
.all:hover, .all:focus-visible { text-decoration: underline; }
@media (prefers-color-scheme: dark) {
  .k { color: #e6edf3; }
  .box { background: #1b2530; border-color: #3b4b5a; }
  .panel { background: #1b2530; border-color: #33424f; }
  .t { color: #9cc8f2; } .s { color: #c7d2dc; } .m { color: #7fcf9d; } .status { color: #9fb0bf; border-color: #2b3845; }
  li.hit[aria-selected="true"], li.hit:hover { background: #243342; }
  mark { background: #6b5a12; }
}`;

  let uid = 0;

  /** Decode the few entities the API's escaping produces (and numeric ones). */
  function decode(s) {
    return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);/g, (m, e) => {
      if (e[0] === "#") {
        const n = e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
        return n > 0 && n < 0x110000 ? String.fromCodePoint(n) : "";
      }
      return { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" }[e];
    });
  }

  /** Append a snippet to `el`: text nodes, and <mark> elements for the matched words. */
  function appendSnippet(el, snippet) {
    const parts = String(snippet).split(/(<mark>|<\/mark>)/);
    let marked = false;
    for (const p of parts) {
      if (p === "<mark>") { marked = true; continue; }
      if (p === "</mark>") { marked = false; continue; }
      if (!p) continue;
      const text = document.createTextNode(decode(p));
      if (marked) {
        const m = document.createElement("mark");
        m.appendChild(text);
        el.appendChild(m);
      } else {
        el.appendChild(text);
      }
    }
  }

  /**
   * Where a hit links: its document page on the server, with the query (marked there), the page
   * of the best passage (the first match on it is scrolled to) and the interface language.
   * Links carry the search key, if any (a followed link sends no header).
   */
  function hrefFor(hit, q, ui, key) {
    const u = new URLSearchParams();
    if (q) u.set("q", q);
    if (hit.page) u.set("page", String(hit.page));
    if (ui) u.set("ui", ui);
    if (key) u.set("key", key);
    const qs = u.toString();
    return `${BASE}/documents/${encodeURIComponent(hit.id)}${qs ? `?${qs}` : ""}${q ? "#hit" : ""}`;
  }

  function sourceLabel(url) {
    const m = /^https?:\/\/(?:www\.)?(.*)$/i.exec(url);
    return m ? m[1].replace(/\/$/, "") : url.split("/").pop();
  }

  class KartotekSearch extends HTMLElement {
    connectedCallback() {
      if (this._root) return;
      const id = `ks${++uid}`;
      const ui = this.uiLang();
      this.t = TEXT[ui];
      const root = (this._root = this.attachShadow({ mode: "open" }));
      // A constructed stylesheet is not subject to the host page's `style-src` CSP; <style> is the fallback.
      let adopted = false;
      try {
        const sheet = new CSSStyleSheet();
        sheet.replaceSync(CSS);
        root.adoptedStyleSheets = [sheet];
        adopted = true;
      } catch (_) { /* older browsers */ }
      if (!adopted) {
        const style = document.createElement("style");
        style.textContent = CSS;
        root.appendChild(style);
      }

      const box = document.createElement("div");
      box.className = "box";
      box.setAttribute("role", "search");
      const svgNS = "http://www.w3.org/2000/svg";
      const svg = document.createElementNS(svgNS, "svg");
      svg.setAttribute("viewBox", "0 0 20 20");
      svg.setAttribute("width", "18");
      svg.setAttribute("height", "18");
      svg.setAttribute("aria-hidden", "true");
      const c = document.createElementNS(svgNS, "circle");
      for (const [k, v] of [["cx", "8.5"], ["cy", "8.5"], ["r", "5.5"], ["fill", "none"], ["stroke", "currentColor"], ["stroke-width", "2"]]) c.setAttribute(k, v);
      const p = document.createElementNS(svgNS, "path");
      for (const [k, v] of [["d", "M13 13l4.5 4.5"], ["stroke", "currentColor"], ["stroke-width", "2"], ["stroke-linecap", "round"]]) p.setAttribute(k, v);
      svg.append(c, p);

      const input = (this.input = document.createElement("input"));
      input.type = "search";
      input.id = `${id}-q`;
      input.autocomplete = "off";
      input.spellcheck = false;
      input.placeholder = this.getAttribute("placeholder") || this.t.placeholder;
      input.setAttribute("aria-label", this.getAttribute("placeholder") || this.t.label);
      input.setAttribute("role", "combobox");
      input.setAttribute("aria-autocomplete", "list");
      input.setAttribute("aria-expanded", "false");
      input.setAttribute("aria-controls", `${id}-list`);
      input.setAttribute("aria-describedby", `${id}-keys`);
      const keys = document.createElement("span");
      keys.id = `${id}-keys`;
      keys.className = "sr";
      keys.textContent = this.t.keys;
      box.append(svg, input, keys);

      const panel = (this.panel = document.createElement("div"));
      panel.className = "panel";
      panel.hidden = true;
      const status = (this.status = document.createElement("p"));
      status.className = "status";
      status.id = `${id}-status`;
      status.setAttribute("aria-hidden", "true");
      // The live region is never hidden (a region inside the closed panel would be display:none
      // when its text changes, and not be announced); the visible status repeats it.
      const live = (this.live = document.createElement("p"));
      live.className = "sr";
      live.id = `${id}-live`;
      live.setAttribute("role", "status");
      live.setAttribute("aria-live", "polite");
      const list = (this.list = document.createElement("ul"));
      list.id = `${id}-list`;
      list.setAttribute("role", "listbox");
      list.setAttribute("aria-label", this.t.label);
      const all = (this.allLink = document.createElement("a"));
      all.className = "all";
      all.textContent = `${this.t.all} →`;
      panel.append(status, list, all);
      const wrap = document.createElement("div");
      wrap.className = "k";
      wrap.append(box, live, panel);
      root.append(wrap);

      this.active = -1;
      this.seq = 0;
      this.timer = 0;
      input.addEventListener("input", () => {
        clearTimeout(this.timer);
        this.timer = setTimeout(() => this.search(), 220);
      });
      input.addEventListener("keydown", (e) => this.onKey(e));
      input.addEventListener("focus", () => { if (this.list.childElementCount || this.status.textContent) this.open(true); });
      list.addEventListener("mousedown", (e) => e.preventDefault());
      this._outside = (e) => { if (!e.composedPath().includes(this)) this.open(false); };
      document.addEventListener("pointerdown", this._outside);
    }

    disconnectedCallback() {
      if (this._outside) document.removeEventListener("pointerdown", this._outside);
      if (this.abort) this.abort.abort();
      clearTimeout(this.timer);
    }

    uiLang() {
      const given = (this.getAttribute("ui") || (this.closest("[lang]") && this.closest("[lang]").getAttribute("lang")) || "en").toLowerCase();
      const primary = given.split(/[-_]/)[0];
      if (primary === "no" || primary === "nob") return "nb";
      if (primary === "swe") return "sv";
      if (primary === "dan") return "da";
      if (primary === "fin") return "fi";
      return TEXT[primary] ? primary : "en";
    }

    params(q) {
      const u = new URLSearchParams();
      u.set("q", q);
      const limit = Math.min(20, Math.max(1, parseInt(this.getAttribute("limit"), 10) || 6));
      u.set("limit", String(limit));
      // the widget lists hits only: no facet counts to pay for
      u.set("facets", "none");
      for (const f of FILTERS) {
        for (const v of (this.getAttribute(f) || "").split(/[\s,]+/)) if (v) u.append(f, v);
      }
      for (const v of (this.getAttribute("doc-lang") || "").split(/[\s,]+/)) if (v) u.append("lang", v);
      for (const name of ["from", "to", "sort"]) {
        const v = (this.getAttribute(name) || "").trim();
        if (v) u.set(name, v);
      }
      u.set("ui", this.uiLang());
      const key = this.getAttribute("key");
      if (key) u.set("key", key);
      return u;
    }

    async search() {
      clearTimeout(this.timer);
      const q = this.input.value.trim();
      const seq = ++this.seq;
      if (this.abort) this.abort.abort();
      if (!q) {
        this.render(null);
        this.open(false);
        return;
      }
      this.abort = new AbortController();
      const params = this.params(q);
      this.say(this.t.searching);
      this.setAttribute("aria-busy", "true");
      try {
        const r = await fetch(`${BASE}/api/search?${params}`, { signal: this.abort.signal, credentials: "omit", headers: { Accept: "application/json" } });
        if (!r.ok) throw new Error(`HTTP ${r.status}`);
        const data = await r.json();
        if (seq !== this.seq) return;
        this.lastQuery = q;
        params.delete("limit");
        this.allLink.href = `${BASE}/?${params}`;
        this.render(data);
        this.dispatchEvent(new CustomEvent("kartotek-results", { detail: { query: q, total: data.total }, bubbles: true, composed: true }));
      } catch (e) {
        if (e && e.name === "AbortError") return;
        if (seq !== this.seq) return;
        this.render(null);
        this.say(this.t.error);
        this.open(true);
      } finally {
        if (seq === this.seq) this.removeAttribute("aria-busy");
      }
    }

    render(data) {
      this.list.replaceChildren();
      this.active = -1;
      this.input.removeAttribute("aria-activedescendant");
      if (!data) {
        this.say("");
        return;
      }
      const hits = Array.isArray(data.hits) ? data.hits : [];
      this.say(hits.length ? this.t.results(Number(data.total) || hits.length) : this.t.none);
      hits.forEach((hit, i) => {
        const li = document.createElement("li");
        li.id = `${this.list.id}-${i}`;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        // an option holds no link (nested interactive controls confuse screen readers):
        // Enter or a click opens the address kept on it
        li.className = "hit";
        li.dataset.href = hrefFor(hit, this.lastQuery, this.uiLang(), this.getAttribute("key"));
        li.addEventListener("click", (e) => this.follow(li, e.ctrlKey || e.metaKey || e.button === 1));
        const a = li;
        const t = document.createElement("span");
        t.className = "t";
        t.textContent = String(hit.title || hit.url || "");
        const m = document.createElement("span");
        m.className = "m";
        m.textContent =
          sourceLabel(String(hit.url || "")) + (hit.page ? ` · ${this.t.page} ${hit.page}` : "") + (hit.date ? ` · ${hit.date}` : "");
        a.append(t, m);
        if (hit.snippet) {
          const s = document.createElement("span");
          s.className = "s";
          appendSnippet(s, hit.snippet);
          a.append(s);
        }
        this.list.append(li);
      });
      this.allLink.hidden = hits.length === 0;
      this.open(true);
    }

    /** Show `text` in the panel and announce it (the live region). */
    say(text) {
      this.status.textContent = text;
      this.live.textContent = text;
    }

    /** Open an option's document page: here, in the `target` attribute's window, or a new tab. */
    follow(li, newTab) {
      const href = li.dataset.href;
      if (!href) return;
      const target = newTab ? "_blank" : this.getAttribute("target");
      if (target && target !== "_self") window.open(href, target, "noopener");
      else window.location.assign(href);
    }

    open(on) {
      this.panel.hidden = !on;
      this.input.setAttribute("aria-expanded", on ? "true" : "false");
    }

    move(to) {
      const items = this.list.children;
      if (!items.length) return;
      if (this.active >= 0 && items[this.active]) items[this.active].setAttribute("aria-selected", "false");
      this.active = (to + items.length) % items.length;
      const li = items[this.active];
      li.setAttribute("aria-selected", "true");
      this.input.setAttribute("aria-activedescendant", li.id);
      li.scrollIntoView({ block: "nearest" });
    }

    onKey(e) {
      if (e.key === "ArrowDown") {
        e.preventDefault();
        if (this.panel.hidden && this.list.childElementCount) this.open(true);
        this.move(this.active + 1);
      } else if (e.key === "ArrowUp") {
        e.preventDefault();
        this.move(this.active - 1);
      } else if (e.key === "Enter") {
        e.preventDefault();
        const li = this.active >= 0 ? this.list.children[this.active] : null;
        if (li && !this.panel.hidden) this.follow(li, e.ctrlKey || e.metaKey);
        else this.search();
      } else if (e.key === "Escape") {
        if (!this.panel.hidden) {
          e.preventDefault();
          this.open(false);
        } else if (this.input.value) {
          e.preventDefault();
          this.input.value = "";
          this.render(null);
        }
      }
    }
  }

  customElements.define("kartotek-search", KartotekSearch);
})();
