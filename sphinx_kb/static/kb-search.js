// sphinx-kb search: Pagefind results in furo's sidebar search box (as you type) and on the search page.
// Pagefind is loaded on first use only, and then only the index chunks a query needs.
// A classic script (not a module): browsers refuse modules from file://, where this script still
// has to tell the reader that search needs the site served over HTTP.
(() => {
  // Every result shown costs a fragment download (~4 KB): the first answer shows 5, as Pagefind's
  // own UI does, so it comes quickly; a reader who asks for more gets 10 at a time.
  const FIRST_PAGE = 5;
  const MORE_PAGE = 10;
  const POPUP_SIZE = 6;
  const root = new URL(document.documentElement.dataset.content_root || "./", window.location.href);
  let pagefindLoad = null;

  function loadPagefind() {
    if (!pagefindLoad) {
      pagefindLoad = (async () => {
        if (window.location.protocol === "file:") {
          throw new Error("file");
        }
        const pagefind = await import(new URL("_pagefind/pagefind.js", root).href);
        // noWorker: a knowledge base's index answers in milliseconds on the main thread, and the
        // worker script would add 41 KB to the first query.
        await pagefind.options({ baseUrl: root.pathname, excerptLength: 26, noWorker: true });
        pagefind.init();
        return pagefind;
      })();
    }
    return pagefindLoad;
  }

  function unavailableText(error) {
    return error && error.message === "file"
      ? "Search needs the site served over HTTP: run `make serve` and open the address it prints."
      : "Search is not available right now: the search index could not be loaded.";
  }

  // Pagefind's excerpt is HTML with <mark> around the matches: keep the text and the marks, nothing else.
  function excerptNodes(excerpt) {
    const template = document.createElement("template");
    template.innerHTML = excerpt || "";
    const fragment = document.createDocumentFragment();
    for (const node of template.content.childNodes) {
      if (node.nodeType === Node.ELEMENT_NODE && node.tagName === "MARK") {
        const mark = document.createElement("mark");
        mark.textContent = node.textContent;
        fragment.append(mark);
      } else {
        fragment.append(document.createTextNode(node.textContent));
      }
    }
    return fragment;
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function humanDate(iso) {
    if (!iso) return "";
    const date = new Date(`${iso}T00:00:00`);
    return Number.isNaN(date.getTime())
      ? iso
      : date.toLocaleDateString(undefined, { year: "numeric", month: "long", day: "numeric" });
  }

  function resultLabel(data) {
    const meta = data.meta || {};
    if (meta.kind === "category") return "Category";
    return [meta.category, humanDate(meta.date)].filter(Boolean).join(" · ");
  }

  // "Newest first": the posts' result ids, newest first, written beside the index by the build
  // (Pagefind's own sort would put that order in the file every first query downloads). Loaded
  // when a reader sorts; a Map from id to rank, or null if it cannot be had (best match stays).
  let newestLoad = null;
  function loadNewest() {
    if (!newestLoad) {
      // no-cache: revalidated, as its name (unlike Pagefind's files) does not change with the index.
      newestLoad = fetch(new URL("_pagefind/kb-newest.json", root), { cache: "no-cache" })
        .then((response) => (response.ok ? response.json() : null))
        .then((data) => (Array.isArray(data?.newest) ? new Map(data.newest.map((id, i) => [id, i])) : null))
        .catch(() => null);
    }
    return newestLoad;
  }

  async function runSearch(pagefind, query, options) {
    const filters = options.category ? { category: options.category } : {};
    const term = query.trim() ? query.trim() : null;
    if (term === null && !options.category) return null;
    // debounce 0: a plain search, which never supersedes (nor is superseded by) the reader's.
    const search =
      options.debounce === 0
        ? await pagefind.search(term, { filters })
        : await pagefind.debouncedSearch(term, { filters }, options.debounce ?? 150);
    // null: a newer query superseded this one.
    if (search === null || options.sort !== "newest") return search;
    const rank = await loadNewest();
    if (rank === null) return search;
    // Posts only, newest first: category pages, the home page and other pages drop out.
    const results = search.results.filter((result) => rank.has(result.id));
    results.sort((a, b) => rank.get(a.id) - rank.get(b.id));
    return { ...search, results };
  }

  // --- The search page --------------------------------------------------------------------------

  function setupSearchPage(page) {
    const form = page.querySelector(".kb-search-form");
    const input = page.querySelector(".kb-search-input");
    const category = page.querySelector(".kb-search-category");
    const sort = page.querySelector(".kb-search-sort");
    const status = page.querySelector(".kb-search-status");
    const list = page.querySelector(".kb-search-results");
    const more = page.querySelector(".kb-search-more");
    const params = new URLSearchParams(window.location.search);
    input.value = params.get("q") || "";
    category.value = params.get("category") || "";
    if (category.value !== (params.get("category") || "")) category.value = "";
    sort.value = params.get("sort") === "newest" ? "newest" : "";

    let results = [];
    let shown = 0;
    let generation = 0;

    function remember() {
      const next = new URLSearchParams();
      if (input.value.trim()) next.set("q", input.value.trim());
      if (category.value) next.set("category", category.value);
      if (sort.value) next.set("sort", sort.value);
      const query = next.toString();
      window.history.replaceState(null, "", query ? `?${query}` : window.location.pathname);
    }

    async function showMore(mine) {
      const slice = results.slice(shown, shown + (shown ? MORE_PAGE : FIRST_PAGE));
      const datas = await Promise.all(slice.map((result) => result.data()));
      if (mine !== generation) return;
      for (const data of datas) list.append(resultItem(data, true));
      shown += slice.length;
      more.hidden = shown >= results.length;
    }

    function updateCounts(search) {
      // Matches per category whatever category is chosen (totalFilters ignores the choice).
      const counts = (search && search.totalFilters && search.totalFilters.category) || null;
      for (const option of category.options) {
        if (!option.value) continue;
        const label = option.dataset.label || option.value;
        const count = counts ? counts[option.value] || 0 : null;
        option.textContent = count === null ? label : `${label} (${count})`;
      }
    }

    async function update() {
      const mine = ++generation;
      remember();
      let pagefind;
      try {
        pagefind = await loadPagefind();
      } catch (error) {
        status.textContent = unavailableText(error);
        return;
      }
      const search = await runSearch(pagefind, input.value, { category: category.value, sort: sort.value });
      if (mine !== generation) return;
      if (search === null) {
        if (!input.value.trim() && !category.value) {
          list.replaceChildren();
          status.textContent = "Type to search the knowledge base.";
          more.hidden = true;
          updateCounts(null);
        }
        return;
      }
      results = search.results;
      shown = 0;
      list.replaceChildren();
      updateCounts(search);
      const what = input.value.trim() ? `for “${input.value.trim()}”` : "";
      const where = category.value ? `in ${category.value}` : "";
      await showMore(mine);
      if (mine !== generation) return;
      // Announced once the results are on the page (the status is a live region).
      status.textContent = results.length
        ? `${results.length} result${results.length === 1 ? "" : "s"} ${what} ${where}`.replace(/\s+/g, " ").trim()
        : `No results ${what} ${where}. Try other words, or all categories.`.replace(/\s+/g, " ");
    }

    // The counts per category need all of Pagefind's filter files (about 100 KB at 10,000 posts),
    // which a search without a filter does not load: they are fetched when the reader turns to
    // the Category list, and the counts follow.
    let filtersLoaded = false;
    async function loadCounts() {
      if (filtersLoaded) return;
      filtersLoaded = true;
      const mine = generation;
      let pagefind;
      try {
        pagefind = await loadPagefind();
      } catch {
        return; // the status line already says search is unavailable
      }
      await pagefind.filters();
      const options = { category: category.value, sort: sort.value, debounce: 0 };
      const search = await runSearch(pagefind, input.value, options);
      if (search !== null && mine === generation) updateCounts(search);
    }

    form.addEventListener("submit", (event) => {
      event.preventDefault();
      update();
    });
    input.addEventListener("input", update);
    category.addEventListener("change", update);
    category.addEventListener("focus", loadCounts);
    category.addEventListener("pointerdown", loadCounts);
    sort.addEventListener("change", update);
    sort.addEventListener("focus", loadNewest);
    sort.addEventListener("pointerdown", loadNewest);
    more.addEventListener("click", () => showMore(generation));
    if (input.value || category.value) update();
    else status.textContent = "Type to search the knowledge base.";
    input.focus();
    return { input, update };
  }

  function resultItem(data, withImage) {
    const meta = data.meta || {};
    const item = element("li", "kb-search-result");
    const link = element("a", "kb-search-result-link");
    link.href = data.url;
    if (withImage && meta.image) {
      const image = element("img", "kb-search-result-image");
      image.src = new URL(meta.image, root).href;
      image.alt = "";
      image.loading = "lazy";
      image.width = 120;
      image.height = 63;
      link.append(image);
    }
    const text = element("span", "kb-search-result-text");
    text.append(element("span", "kb-search-result-title", meta.title || data.url));
    const label = resultLabel(data);
    if (label) text.append(element("span", "kb-search-result-meta", label));
    const excerpt = element("span", "kb-search-result-excerpt");
    excerpt.append(excerptNodes(data.excerpt));
    text.append(excerpt);
    link.append(text);
    item.append(link);
    return item;
  }

  // --- The sidebar search box (furo's; also in the mobile drawer) ---------------------------------

  let popupCount = 0;

  function setupSearchBox(form, onSearchPage) {
    const input = form.querySelector("input[name='q']");
    if (!input) return;
    input.autocomplete = "off";
    if (onSearchPage) {
      // The page has its own field: mirror into it instead of opening a second list.
      input.addEventListener("input", () => {
        onSearchPage.input.value = input.value;
        onSearchPage.update();
      });
      form.addEventListener("submit", (event) => event.preventDefault());
      return;
    }
    const id = `kb-search-popup-${++popupCount}`;
    const popup = element("div", "kb-search-popup");
    popup.id = id;
    popup.hidden = true;
    const list = element("ul", "kb-search-popup-list");
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Search results");
    const note = element("p", "kb-search-popup-note");
    note.setAttribute("role", "status");
    note.setAttribute("aria-live", "polite");
    const all = element("a", "kb-search-popup-all");
    popup.append(note, list, all);
    form.append(popup);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", id);
    input.setAttribute("aria-expanded", "false");

    let active = -1;
    let generation = 0;

    function options() {
      return [...list.querySelectorAll("[role='option']")];
    }
    function setActive(index) {
      const all = options();
      active = all.length ? (index + all.length) % all.length : -1;
      all.forEach((option, i) => option.setAttribute("aria-selected", String(i === active)));
      if (active >= 0) {
        input.setAttribute("aria-activedescendant", all[active].id);
        all[active].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }
    function close() {
      popup.hidden = true;
      input.setAttribute("aria-expanded", "false");
      setActive(-1);
    }
    function open() {
      popup.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    async function update() {
      const mine = ++generation;
      const query = input.value.trim();
      if (!query) {
        close();
        return;
      }
      let pagefind;
      try {
        pagefind = await loadPagefind();
      } catch (error) {
        list.replaceChildren();
        note.textContent = unavailableText(error);
        all.hidden = true;
        open();
        return;
      }
      const search = await runSearch(pagefind, query, { debounce: 120 });
      if (search === null || mine !== generation) return;
      const datas = await Promise.all(search.results.slice(0, POPUP_SIZE).map((r) => r.data()));
      if (mine !== generation) return;
      list.replaceChildren();
      datas.forEach((data, i) => {
        const item = resultItem(data, false);
        item.id = `${id}-option-${i}`;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        list.append(item);
      });
      note.textContent = search.results.length
        ? `${search.results.length} result${search.results.length === 1 ? "" : "s"}`
        : `No results for “${query}”`;
      const target = new URL(form.action);
      target.searchParams.set("q", query);
      all.href = target.href;
      all.textContent = search.results.length > POPUP_SIZE ? "See all results" : "Open the search page";
      all.hidden = false;
      active = -1;
      open();
    }

    input.addEventListener("input", update);
    input.addEventListener("focus", () => {
      loadPagefind().catch(() => {});
      if (input.value.trim() && options().length) open();
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (popup.hidden) return;
        event.preventDefault();
        setActive(active + (event.key === "ArrowDown" ? 1 : -1));
      } else if (event.key === "Escape") {
        if (!popup.hidden) {
          event.preventDefault();
          close();
        }
      } else if (event.key === "Enter" && active >= 0 && !popup.hidden) {
        event.preventDefault();
        window.location.href = options()[active].querySelector("a").href;
      }
    });
    form.addEventListener("focusout", (event) => {
      if (!form.contains(event.relatedTarget)) close();
    });
    form.addEventListener("submit", (event) => {
      // Enter without a chosen result: the search page with everything that matched.
      event.preventDefault();
      const target = new URL(form.action);
      if (input.value.trim()) target.searchParams.set("q", input.value.trim());
      window.location.href = target.href;
    });
  }

  function start() {
    const page = document.querySelector("[data-kb-search-page]");
    const onSearchPage = page ? setupSearchPage(page) : null;
    for (const form of document.querySelectorAll("form.sidebar-search-container")) {
      setupSearchBox(form, onSearchPage);
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
