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
  const LANG = document.documentElement.lang || "en";
  // sphinx-kb's words in the page's language: the page carries their translations as JSON
  // (content/wording.py); a page in English carries none.
  const WORDS = (() => {
    try {
      return JSON.parse(document.getElementById("kb-words")?.textContent || "{}");
    } catch {
      return {};
    }
  })();

  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, (whole, key) => (key in values ? String(values[key]) : whole));
  }

  function say(message, values = {}) {
    return fill(typeof WORDS[message] === "string" ? WORDS[message] : message, values);
  }

  // A message whose form depends on a number: the translations by plural category ("one", "other").
  function sayCount(singular, plural, count, values = {}) {
    const forms = WORDS[singular];
    let text = count === 1 ? singular : plural;
    if (forms && typeof forms === "object") text = forms[new Intl.PluralRules(LANG).select(count)] ?? forms.other;
    return fill(text, { count, ...values });
  }

  // A message with an element in it: "Did you mean {suggestion}?" gives "Did you mean ", the element, "?".
  function sayWith(message, key, node, values = {}) {
    const [before, after] = say(message, values).split(`{${key}}`);
    return [before, node, after ?? ""].filter((part) => part !== "");
  }
  let pagefindLoad = null;

  function loadPagefind() {
    if (!pagefindLoad) {
      pagefindLoad = (async () => {
        if (window.location.protocol === "file:") {
          throw new Error("file");
        }
        loadSettings(); // the synonyms, fetched while Pagefind loads
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
      ? say("Search needs the site served over HTTP: run `make serve` and open the address it prints.")
      : say("Search is not available right now: the search index could not be loaded.");
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
      : date.toLocaleDateString(LANG, { year: "numeric", month: "long", day: "numeric" });
  }

  function resultLabel(data) {
    const meta = data.meta || {};
    if (meta.kind === "category") return say("Category");
    return [meta.category, humanDate(meta.date)].filter(Boolean).join(" · ");
  }

  // "Newest first": the posts' result ids, newest first, written beside the index by the build
  // (Pagefind's own sort would put that order in the file every first query downloads). Loaded
  // when a reader sorts; a Map from id to rank, or null if it cannot be had (best match stays).
  let newestLoad = null;
  function loadNewest() {
    if (!newestLoad) {
      newestLoad = indexFile("kb-newest.json").then((data) =>
        Array.isArray(data?.newest) ? new Map(data.newest.map((id, i) => [id, i])) : null,
      );
    }
    return newestLoad;
  }

  // --- Understanding a query ----------------------------------------------------------------------
  // Pagefind finds the pages that hold every word of a query (by their stems, the last word also
  // as a prefix). Around it: synonyms and spellings joined or split by punctuation widen a query;
  // when it finds nothing, stop words are dropped, words no page holds are corrected against the
  // site's vocabulary, and, if all the words together still find nothing, pages that hold most of
  // them are shown. docs/site-search.md states the rules.

  // Variants of one query searched together (each one is a Pagefind search).
  const MAX_VARIANTS = 8;
  // Corrections: words of 4 to 7 letters may be 1 edit away from a word of the site, longer
  // words 2 (an edit: a letter added, left out, changed, or two neighbours swapped).
  const MIN_CORRECTED = 4;
  const LONG_WORD = 8;
  const STOP_WORDS = {
    en: "a about an and any are as at be been but by can could did do does doing for from get had has have how i if in into is it its me my no not of on or our ours should so than that the their them then there these they this to us was we were what when where which who whom why will with would you your yours",
    de: "aber alle als am an auch auf aus bei bin bis bist da damit dann das dass dein deine dem den der des die doch du durch ein eine einem einen einer eines er es euer für hat hatte ich ihr im in ist ja kann kein man mein mit muss nach nicht noch nur ob oder sich sie sind so soll über um und uns unser von vor war was welche wenn wer wie wir wird wo zu zum zur",
    fr: "a au aux avec ce ces comment dans de des du elle en est et eux il je la le les leur lui ma mais me mes moi mon ne nos notre nous on ou où par pas pour qu que quel quelle qui sa se ses son sont sur ta te tes toi ton tu un une vos votre vous",
    es: "a al como con cual cuando de del el ella en es esta este hay la las le les lo los mi mis nos nuestra nuestro o para pero por que qué se su sus te tu un una unas uno unos y ya yo",
  };
  const language = (document.documentElement.lang || "unknown").toLowerCase();
  const stopWords = new Set((STOP_WORDS[language.split("-")[0]] || "").split(" ").filter(Boolean));

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  function indexFile(name) {
    // no-cache: revalidated, as these names (unlike Pagefind's files) do not change with the index.
    return fetch(new URL(`_pagefind/${name}`, root), { cache: "no-cache" })
      .then((response) => (response.ok ? response.json() : null))
      .catch(() => null);
  }

  // kb-search.json (written by the build, search/vocabulary.py): the synonym groups, and the
  // files of the index's words by first character, for corrections.
  let settingsLoad = null;
  function loadSettings() {
    if (!settingsLoad) {
      settingsLoad = indexFile("kb-search.json").then((data) => ({
        synonyms: Array.isArray(data?.synonyms) ? data.synonyms.filter((group) => Array.isArray(group)) : [],
        words: data && typeof data.words === "object" ? data.words : {},
      }));
    }
    return settingsLoad;
  }

  const wordFiles = new Map();
  function wordFileKey(char) {
    return /^[a-z0-9]$/.test(char) ? char : `x${char.codePointAt(0).toString(16)}`;
  }
  // The words starting with `char` (word -> pages that hold it); only files the build wrote.
  async function loadWords(char) {
    const { words } = await loadSettings();
    const base = language.split("-")[0];
    const folder = [language, base].find((name) => Array.isArray(words[name]));
    const key = wordFileKey(char);
    if (!folder || !words[folder].includes(key)) return {};
    const name = `kb-words/${folder}/${key}.json`;
    if (!wordFiles.has(name)) {
      wordFiles.set(name, indexFile(name).then((data) => (data && typeof data.w === "object" ? data.w : {})));
    }
    return wordFiles.get(name);
  }

  // Edit distance with swaps of neighbours (optimal string alignment); stops above `max`.
  function distance(a, b, max) {
    if (Math.abs(a.length - b.length) > max) return max + 1;
    let before = null;
    let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      const current = [i];
      let smallest = i;
      for (let j = 1; j <= b.length; j++) {
        let value = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, before[j - 2] + 1);
        current.push(value);
        smallest = Math.min(smallest, value);
      }
      if (smallest > max) return max + 1;
      before = previous;
      previous = current;
    }
    return previous[b.length];
  }

  // The word of the site nearest to `word`, the most frequent of the nearest; null when none is
  // near enough. Candidates share the first letter; failing that, they start with the word's
  // second letter (a letter added or left out at the start, or the first two swapped).
  async function correct(word) {
    const letters = [...word];
    if (letters.length < MIN_CORRECTED) return null;
    const max = letters.length >= LONG_WORD ? 2 : 1;
    for (const first of [letters[0], letters[1]]) {
      const words = await loadWords(first);
      let best = null;
      for (const [candidate, count] of Object.entries(words)) {
        if (candidate === word) continue;
        const d = distance(word, candidate, max);
        if (d > max) continue;
        if (!best || d < best.d || (d === best.d && (count > best.count || (count === best.count && candidate < best.word)))) {
          best = { word: candidate, d, count };
        }
      }
      if (best) return best.word;
    }
    return null;
  }

  // A query's words as the reader wrote them, lowercased, without punctuation around them.
  function queryWords(query) {
    return query
      .toLowerCase()
      .split(/\s+/)
      .map((word) => word.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, ""))
      .filter(Boolean);
  }

  // The queries searched for one query: as written, with each synonym in place of another, and
  // with spellings joined or split by punctuation (`soc 2` / `soc2`, `wi fi` / `wifi`).
  function variants(query, synonyms) {
    const found = [query];
    const tokens = query.toLowerCase().match(/[\p{L}\p{N}]+/gu) || [];
    const add = (list) => {
      const text = list.join(" ");
      if (text && !found.includes(text) && found.length < MAX_VARIANTS) found.push(text);
    };
    for (const group of synonyms) {
      for (const term of group) {
        const words = term.split(" ");
        for (let i = 0; i + words.length <= tokens.length; i++) {
          if (words.every((word, k) => tokens[i + k] === word)) {
            for (const other of group) {
              if (other !== term) add([...tokens.slice(0, i), ...other.split(" "), ...tokens.slice(i + words.length)]);
            }
          }
        }
      }
    }
    const letters = /^\p{L}+$/u;
    const digits = /^\p{N}+$/u;
    for (let i = 0; i + 1 < tokens.length; i++) {
      const [a, b] = [tokens[i], tokens[i + 1]];
      const joinable =
        (letters.test(a) && digits.test(b) && b.length <= 4) ||
        (letters.test(a) && letters.test(b) && Math.min(a.length, b.length) <= 2 && !stopWords.has(a) && !stopWords.has(b));
      if (joinable) add([...tokens.slice(0, i), a + b, ...tokens.slice(i + 2)]);
    }
    tokens.forEach((token, i) => {
      const parts = token.match(/^(\p{L}+)(\p{N}+)$/u) || token.match(/^(\p{N}+)(\p{L}+)$/u);
      if (parts) add([...tokens.slice(0, i), parts[1], parts[2], ...tokens.slice(i + 1)]);
    });
    return found;
  }

  // Every page any of the queries finds, each with its best score, best first.
  async function searchAll(pagefind, queries, filters) {
    const best = new Map();
    let counts = null;
    for (const query of queries) {
      const search = await pagefind.search(query, { filters });
      if (!search) continue;
      for (const result of search.results) {
        const seen = best.get(result.id);
        if (!seen || result.score > seen.score) best.set(result.id, result);
      }
      // Matches per category: the largest count any variant gives (an approximation for variants).
      for (const [name, values] of Object.entries(search.totalFilters || {})) {
        counts = counts || {};
        counts[name] = counts[name] || {};
        for (const [value, count] of Object.entries(values)) {
          counts[name][value] = Math.max(counts[name][value] || 0, count);
        }
      }
    }
    return { results: [...best.values()].sort((a, b) => b.score - a.score), totalFilters: counts };
  }

  // English endings a word may have beyond what it shares with a word of a page, for the page's
  // word to count as the same word (Pagefind finds `laptops` on a page with `laptop`).
  const ENDINGS = new Set(["", "s", "es", "e", "ed", "d", "ing", "er", "ers", "ly", "y", "ies", "ied", "ion", "ions", "al", "ment", "ments"]);
  const english = language.split("-")[0] === "en";

  // Whether `word` (as typed) and `other` (a word of a page) are one word: the same, `word` a
  // beginning of `other` (Pagefind matches the last word as a prefix), or one stem with endings.
  function sameWord(word, other) {
    if (other === word || other.startsWith(word)) return true;
    let shared = 0;
    while (shared < word.length && word[shared] === other[shared]) shared++;
    const rest = [word.slice(shared), other.slice(shared)];
    if (english) return shared >= 3 && rest.every((ending) => ENDINGS.has(ending));
    return shared >= 4 && rest.every((ending) => ending.length <= 3);
  }

  // A word that might be misspelled: 4 letters or more, letters only, in no synonym group.
  function checkable(word, synonyms) {
    return [...word].length >= MIN_CORRECTED && /^\p{L}+$/u.test(word) && !synonyms.some((group) => group.some((term) => term.split(" ").includes(word)));
  }

  // The words of `words` that none of the first results holds. Pagefind answers a word it does
  // not have with pages that hold parts of it (`printar` finds `print`), so its results alone do
  // not say that a word is known; the words it matched do (each result's data is kept for display).
  async function unmatched(results, words) {
    const matched = new Set();
    for (const result of results.slice(0, 5)) {
      const data = await result.data();
      const tokens = (data.content || "").split(/\s+/);
      for (const index of data.locations || []) {
        const token = (tokens[index] || "").toLowerCase();
        const parts = token.match(/[\p{L}\p{N}]+/gu) || [];
        for (const part of parts) matched.add(part);
        if (parts.length > 1) matched.add(parts.join(""));
      }
    }
    return words.filter((word) => ![...matched].some((other) => sameWord(word, other)));
  }

  // Whether some page holds the word (or the word with another ending), by the index's words.
  async function known(word) {
    const words = await loadWords([...word][0]);
    if (word in words) return true;
    return Object.keys(words).some((other) => sameWord(word, other));
  }

  function keepData(results) {
    for (const result of results) {
      const load = result.data;
      let kept = null;
      result.data = () => (kept ||= load.call(result));
    }
    return results;
  }

  // What a query finds, and how it was read: `showing` (the words searched, when not the query
  // as written), `corrections` ([typed, corrected] pairs), `ignored` (words left out).
  async function understand(pagefind, query, filters, exact) {
    const { synonyms } = await loadSettings();
    const search = async (text) => {
      const found = await searchAll(pagefind, variants(text, synonyms), filters);
      keepData(found.results);
      return found;
    };
    let found = await search(query);
    if (exact) return { ...found, showing: null, corrections: [], ignored: [] };
    const words = queryWords(query);
    let meaningful = words.filter((word) => !stopWords.has(word));
    if (!meaningful.length) meaningful = words;
    const ignored = words.filter((word) => !meaningful.includes(word));
    let dropped = false;
    if (!found.results.length && ignored.length) {
      // A question: the words that carry its meaning, without "how", "do", "we", ...
      found = await search(meaningful.join(" "));
      dropped = true;
    }
    const maybeWrong = (found.results.length ? await unmatched(found.results, meaningful) : meaningful).filter(
      (word) => checkable(word, synonyms),
    );
    const used = [];
    const corrections = [];
    for (const word of meaningful) {
      if (!maybeWrong.includes(word) || (await known(word))) {
        used.push(word);
        continue;
      }
      const fix = await correct(word);
      if (fix) {
        used.push(fix);
        corrections.push([word, fix]);
      } else {
        ignored.push(word);
      }
    }
    const read = { showing: used, corrections, ignored };
    if (found.results.length && used.length === meaningful.length && !corrections.length) {
      return { ...found, ...read, showing: dropped ? used : null };
    }
    if (!used.length) return { results: [], totalFilters: null, ...read };
    const together = used.join(" ") === meaningful.join(" ") && dropped ? found : await search(used.join(" "));
    if (together.results.length || used.length === 1) return { ...together, ...read };
    // Some of the words: pages that hold more of them first, then by Pagefind's score (which
    // counts a word in a title or heading above one in the text).
    const pages = new Map();
    for (const word of used) {
      for (const result of (await search(word)).results) {
        const page = pages.get(result.id) || { result, words: [], score: 0 };
        page.words.push(word);
        page.score += result.score;
        pages.set(result.id, page);
      }
    }
    const ranked = [...pages.values()].sort((a, b) => b.words.length - a.words.length || b.score - a.score);
    const showing = ranked.length ? ranked[0].words : used;
    return {
      results: ranked.map((page) => page.result),
      totalFilters: null,
      showing,
      corrections: corrections.filter(([, fix]) => showing.includes(fix)),
      ignored: [...ignored, ...used.filter((word) => !showing.includes(word))],
    };
  }

  async function runSearch(pagefind, query, options) {
    const filters = {};
    if (options.category) filters.category = options.category;
    if (options.tag) filters.tag = options.tag;
    const term = query.trim();
    if (!term && !options.category && !options.tag) return null;
    // The reader is still typing: wait before searching (the caller drops superseded answers).
    if (options.debounce) await sleep(options.debounce);
    if (options.isStale && options.isStale()) return null;
    const search = term
      ? await understand(pagefind, term, filters, options.exact)
      : { ...(await pagefind.search(null, { filters })), showing: null, corrections: [], ignored: [] };
    if (options.sort !== "newest") return search;
    const rank = await loadNewest();
    if (rank === null) return search;
    // Posts only, newest first: category pages, the home page and other pages drop out.
    const results = search.results.filter((result) => rank.has(result.id));
    results.sort((a, b) => rank.get(a.id) - rank.get(b.id));
    return { ...search, results };
  }

  // "Showing results for phishing; search instead for phising", as elements; null when the
  // query was searched as written.
  function readingNote(search, query, insteadHref) {
    const note = document.createDocumentFragment();
    if (!search.showing || (!search.corrections.length && !search.ignored.length)) return null;
    const showing = element("strong", "kb-search-showing", search.showing.join(" "));
    note.append(...sayWith("Showing results for {words}", "words", showing));
    if (search.corrections.length) {
      const instead = element("a", "kb-search-instead", query);
      instead.href = insteadHref;
      note.append(...sayWith("; search instead for {query}", "query", instead));
    }
    const left = search.ignored.filter((word) => !search.corrections.some(([typed]) => typed === word));
    if (left.length) note.append(say(" (left out: {words})", { words: left.join(", ") }));
    note.append(".");
    return note;
  }

  // --- The search page --------------------------------------------------------------------------

  function setupSearchPage(page) {
    const form = page.querySelector(".kb-search-form");
    const input = page.querySelector(".kb-search-input");
    const category = page.querySelector(".kb-search-category");
    const tag = page.querySelector(".kb-search-tag");
    const sort = page.querySelector(".kb-search-sort");
    const status = page.querySelector(".kb-search-status");
    const list = page.querySelector(".kb-search-results");
    const more = page.querySelector(".kb-search-more");
    const help = page.querySelector(".kb-search-help");
    const params = new URLSearchParams(window.location.search);
    input.value = params.get("q") || "";
    category.value = params.get("category") || "";
    if (category.value !== (params.get("category") || "")) category.value = "";
    if (tag) {
      tag.value = params.get("tag") || "";
      if (tag.value !== (params.get("tag") || "")) tag.value = "";
    }
    sort.value = params.get("sort") === "newest" ? "newest" : "";
    // "search instead for": the words exactly as typed, no correction (until the query changes).
    let exact = params.get("exact") === "1";

    let results = [];
    let shown = 0;
    let generation = 0;

    function remember() {
      const next = new URLSearchParams();
      if (input.value.trim()) next.set("q", input.value.trim());
      if (category.value) next.set("category", category.value);
      if (tag?.value) next.set("tag", tag.value);
      if (sort.value) next.set("sort", sort.value);
      if (exact) next.set("exact", "1");
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

    function searchHref(query, asTyped) {
      const next = new URLSearchParams(window.location.search);
      next.set("q", query);
      if (asTyped) next.set("exact", "1");
      else next.delete("exact");
      return `?${next.toString()}`;
    }

    function options(mine) {
      return {
        category: category.value,
        tag: tag?.value || "",
        sort: sort.value,
        exact,
        // While the reader types, only the last query is searched.
        debounce: 150,
        isStale: () => mine !== generation,
      };
    }

    function showStatus(search) {
      const query = input.value.trim();
      const what = query ? say("for “{query}”", { query }) : "";
      const filtered = [category.value, tag?.value].filter(Boolean);
      const where = filtered.length ? say("in {filters}", { filters: filtered.join(", ") }) : "";
      const head = results.length ? sayCount("{count} result", "{count} results", results.length) : say("No results");
      status.replaceChildren(`${[head, what, where].filter(Boolean).join(" ")}.`);
      const note = readingNote(search, query, searchHref(query, true));
      if (note && results.length) {
        status.append(" ", note);
      } else if (!results.length) {
        // Nothing at all: a spelling suggestion, wider filters, and the way to browse.
        const fixes = search.corrections.length ? search.showing.join(" ") : "";
        if (fixes) {
          const suggestion = element("a", "kb-search-suggestion", fixes);
          suggestion.href = searchHref(fixes, false);
          status.append(" ", ...sayWith("Did you mean {suggestion}?", "suggestion", suggestion));
        }
        status.append(
          " ",
          filtered.length ? say("Try other words, or remove the filters.") : say("Try other words, or browse below."),
        );
      }
      if (help) help.hidden = results.length > 0 || !query;
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
      let search;
      try {
        search = await runSearch(pagefind, input.value, options(mine));
      } catch (error) {
        if (mine === generation) status.textContent = unavailableText(error);
        return;
      }
      if (mine !== generation) return;
      if (search === null) {
        if (!input.value.trim() && !category.value && !tag?.value) {
          list.replaceChildren();
          status.textContent = say("Type to search the knowledge base.");
          more.hidden = true;
          if (help) help.hidden = true;
          updateCounts(null);
        }
        return;
      }
      results = search.results;
      shown = 0;
      list.replaceChildren();
      if (search.totalFilters) updateCounts(search);
      await showMore(mine);
      if (mine !== generation) return;
      // Announced once the results are on the page (the status is a live region).
      showStatus(search);
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
      const search = await runSearch(pagefind, input.value, { ...options(mine), debounce: 0 });
      if (search?.totalFilters && mine === generation) updateCounts(search);
    }

    form.addEventListener("submit", (event) => {
      event.preventDefault();
      update();
    });
    input.addEventListener("input", () => {
      exact = false;
      update();
    });
    category.addEventListener("change", update);
    tag?.addEventListener("change", update);
    category.addEventListener("focus", loadCounts);
    category.addEventListener("pointerdown", loadCounts);
    sort.addEventListener("change", update);
    sort.addEventListener("focus", loadNewest);
    sort.addEventListener("pointerdown", loadNewest);
    more.addEventListener("click", () => showMore(generation));
    // "search instead for" and "did you mean" links: search in place, keeping the filters.
    status.addEventListener("click", (event) => {
      const link = event.target.closest("a");
      if (!link) return;
      event.preventDefault();
      const next = new URLSearchParams(link.search);
      input.value = next.get("q") || "";
      exact = next.get("exact") === "1";
      update();
      input.focus();
    });
    if (input.value || category.value || tag?.value) update();
    else status.textContent = say("Type to search the knowledge base.");
    input.focus();
    return {
      input,
      update() {
        exact = false;
        update();
      },
    };
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
    list.setAttribute("aria-label", say("Search results"));
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
      let search;
      try {
        search = await runSearch(pagefind, query, { debounce: 120, isStale: () => mine !== generation });
      } catch (error) {
        if (mine !== generation) return;
        list.replaceChildren();
        note.textContent = unavailableText(error);
        all.hidden = true;
        open();
        return;
      }
      if (search === null || mine !== generation) return;
      const datas = await Promise.all(search.results.slice(0, POPUP_SIZE).map((r) => r.data()));
      if (mine !== generation) return;
      list.replaceChildren();
      datas.forEach((data, i) => {
        const item = resultItem(data, false);
        // The link is the option: an option around a link would nest one control in another.
        item.setAttribute("role", "none");
        const option = item.querySelector(".kb-search-result-link");
        option.id = `${id}-option-${i}`;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        list.append(item);
      });
      const target = new URL(form.action);
      target.searchParams.set("q", query);
      const asTyped = new URL(target);
      asTyped.searchParams.set("exact", "1");
      note.textContent = search.results.length
        ? `${sayCount("{count} result", "{count} results", search.results.length)}.`
        : say("No results for “{query}”.", { query });
      const reading = readingNote(search, query, asTyped.href);
      if (reading && search.results.length) {
        note.append(" ", reading);
      } else if (!search.results.length && search.corrections.length) {
        const fixed = new URL(form.action);
        fixed.searchParams.set("q", search.showing.join(" "));
        const suggestion = element("a", "kb-search-suggestion", search.showing.join(" "));
        suggestion.href = fixed.href;
        note.append(" ", ...sayWith("Did you mean {suggestion}?", "suggestion", suggestion));
      }
      all.href = target.href;
      all.textContent = search.results.length > POPUP_SIZE ? say("See all results") : say("Open the search page");
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
        window.location.href = options()[active].href;
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
