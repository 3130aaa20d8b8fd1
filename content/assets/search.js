/* youfu search: runs on the search page against the sharded index in search/idx/.
   Index files are scripts calling __yfSearch.load(kind, number, data), loaded with
   <script> tags so that search works on any static host, under a sub-path and from
   file://. Only the shards a query needs are fetched. Results are built with DOM
   calls (textContent), never innerHTML.

   A query is read the way people type it (hooks/youfu/vocab.py makes the data): a run
   of Han characters is cut into the words the site knows ("福州马尾" → 福州 + 马尾),
   question and function words are dropped (吗、什么 …), words that mean the same are
   searched too (看病 → 就医, veteran → 退役军人), a word one character off a known one
   gets a suggestion (绿色通到 → 绿色通道), and when no page has every word, the pages
   with most of them are shown, saying which words were not found. */
(function () {
  "use strict";

  var root = document.querySelector("[data-yf-search]");
  if (!root) return;
  var base = root.getAttribute("data-index");  // relative URL of search/idx/
  var form = root.querySelector("form");
  var input = document.getElementById("search-input");
  var results = document.getElementById("search-results");
  var status = root.querySelector("[data-yf-search-status]");
  var suggest = root.querySelector("[data-yf-search-suggest]");
  var PAGE = 10;
  var B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  var HAN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;
  var HAN_ONLY = /^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+$/;
  var BONUS_RUN = 8;  // a run typed without spaces up to this long: pages holding it whole rank first

  /* ---------------- loading index pieces ---------------- */
  var store = { m: {}, t: {}, x: {}, f: {}, s: {}, p: {}, q: {}, v: {}, w: {}, y: {} };
  var waiting = {};
  window.__yfSearch = {
    load: function (kind, number, data) {
      store[kind][number] = data;
      var key = kind + number;
      (waiting[key] || []).forEach(function (done) { done(data); });
      delete waiting[key];
    }
  };
  var PATHS = { m: "meta", t: "t/", x: "x/", f: "facets", s: "s/", p: "pinyin", q: "q", v: "v/", w: "w/", y: "y/" };
  function load(kind, number) {
    if (store[kind].hasOwnProperty(number)) return Promise.resolve(store[kind][number]);
    var key = kind + number;
    return new Promise(function (resolve, reject) {
      if (waiting[key]) { waiting[key].push(resolve); return; }
      waiting[key] = [resolve];
      var script = document.createElement("script");
      var path = PATHS[kind];
      script.src = base + (path.slice(-1) === "/" ? path + number : path) + ".js";
      script.async = true;
      script.onerror = function () { delete waiting[key]; reject(new Error("index file missing: " + script.src)); };
      document.head.appendChild(script);
    });
  }
  function loadAll(kind, numbers) {
    var unique = {};
    numbers.forEach(function (n) { unique[n] = true; });
    return Promise.all(Object.keys(unique).map(function (n) { return load(kind, +n); }));
  }

  /* ---------------- folding and terms (as in hooks/youfu/search.py) ---------------- */
  function crc32(text) {
    var bytes = unescape(encodeURIComponent(text)), crc = -1;
    for (var i = 0; i < bytes.length; i++) {
      crc ^= bytes.charCodeAt(i);
      for (var k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xEDB88320 & -(crc & 1));
    }
    return (crc ^ -1) >>> 0;
  }

  function widen(text) {
    return text.replace(/[\uff01-\uff5e]/g, function (c) { return String.fromCharCode(c.charCodeAt(0) - 0xfee0); })
      .replace(/\u3000/g, " ");
  }

  function fold(text, meta) {
    text = widen(text).toLowerCase();
    var wanted = [];
    for (var i = 0; i < text.length; i++) {
      if (HAN.test(text[i])) wanted.push(text.charCodeAt(i) % meta.t2s_shards);
    }
    return loadAll("s", wanted).then(function (shards) {
      var map = {};
      shards.forEach(function (pairs) { for (var j = 0; j < pairs.length; j += 2) map[pairs[j]] = pairs[j + 1]; });
      return text.replace(/./g, function (c) { return map[c] || c; });
    });
  }

  /* Units: every Han character, every ASCII word or number; adjacent ones form a run. */
  function runs(text) {
    var out = [], re = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[0-9a-z]+/g, m, lastEnd = -1;
    while ((m = re.exec(text))) {
      var pieces = HAN.test(m[0][0]) ? m[0].split("") : [m[0]];
      if (m.index === lastEnd && out.length) out[out.length - 1] = out[out.length - 1].concat(pieces);
      else out.push(pieces);
      lastEnd = m.index + m[0].length;
    }
    return out;
  }

  /* The terms that must all be present for one query word. */
  function wordTerms(word) {
    var terms = [];
    runs(word).forEach(function (run) {
      if (run.length === 1) terms.push(run[0]);
      for (var i = 0; i + 1 < run.length; i++) terms.push(run[i] + run[i + 1]);
    });
    return terms;
  }

  function decode(postings) {
    var map = new Map(), doc = -1, i = 0;
    while (i < postings.length) {
      var value = 0, shift = 0, c;
      do { c = B64.indexOf(postings[i++]); value |= (c & 31) << shift; shift += 5; } while (c & 32);
      doc += value + 1;
      map.set(doc, B64.indexOf(postings[i++]));
    }
    return map;
  }

  /* A term's shard: title terms ("^通道") are with the plain term, heading terms ("#四优先")
     with their first two characters (as in hooks/youfu/search.py). */
  function termShard(term, meta) {
    return crc32(term[0] === "#" ? term.substr(1, 2) : term.replace(/^\^/, "")) % meta.shards;
  }

  /* Posting lists of terms (each with its title form "^term"; "#word": pages with a section
     headed exactly by the word), decoded once. */
  var decoded = {};
  function postings(terms, meta) {
    var wanted = [];
    terms.forEach(function (t) { if (!decoded[t]) wanted.push(termShard(t, meta)); });
    return loadAll("t", wanted).then(function () {
      terms.forEach(function (t) {
        (t[0] === "#" ? [t] : [t, "^" + t]).forEach(function (key) {
          if (decoded[key]) return;
          var data = store.t[termShard(key, meta)];
          decoded[key] = data && data[key] ? decode(data[key]) : new Map();
        });
      });
    });
  }

  /* ---------------- reading the query ---------------- */
  function parseQuery(text) {
    var tokens = [], re = /"([^"]+)"|“([^”]+)”|(\S+)/g, m;
    while ((m = re.exec(text))) tokens.push({ text: m[1] || m[2] || m[3], quoted: !m[3] });
    return tokens;
  }

  /* A query word: what it stands for in the query (word), its alternatives (itself, words
     meaning the same, pinyin readings, a near miss …), each with the terms that must all be
     on a page; optional words (a lone character) only add to the score. */
  function newWord(text, how) {
    return { word: text, how: how, optional: false, alts: [{ word: text, terms: wordTerms(text) }] };
  }
  function addAlt(w, text, why) {
    if (w.alts.some(function (a) { return a.word === text; })) return;
    var second = w.alts.some(function (a) { return a.why === why; });  // an English word's second translation …
    w.alts.push({ word: text, terms: wordTerms(text), why: why, weight: why === "same" || (why === "english" && second) ? 0.85 : 1 });
  }

  var LATIN = /^[a-z]{2,}$/;

  function vocabKeys(text) {  // pairs of Han characters that may start a known word
    var keys = [];
    runs(text).forEach(function (run) {
      for (var i = 0; i + 1 < run.length; i++) {
        if (HAN.test(run[i]) && HAN.test(run[i + 1])) keys.push(run[i] + run[i + 1]);
      }
    });
    return keys;
  }
  function vocabShard(key, meta) { return crc32(key) % meta.v_shards; }
  function nearShard(key, meta) { return crc32(key) % meta.w_shards; }

  /* Cut a run of Han characters into known words, stop words and unknown characters, with
     as few pieces as possible (a known word beats a stop word beats a lone character). */
  function cut(han, stop, meta) {
    var best = [{ cost: 0 }];
    for (var end = 1; end <= han.length; end++) best[end] = { cost: Infinity };
    for (var i = 0; i < han.length; i++) {
      if (best[i].cost === Infinity) continue;
      var options = [[1, "unknown"]];
      if (stop[han[i]]) options.push([1, "stop"]);
      var shard = i + 1 < han.length ? store.v[vocabShard(han.substr(i, 2), meta)] : null;
      var known = shard && shard[han.substr(i, 2)] || [];
      known.forEach(function (entry) {
        var word = unmark(entry);
        if (han.substr(i, word.length) === word) options.push([word.length, "word"]);
      });
      stop.multi.forEach(function (word) { if (han.substr(i, word.length) === word) options.push([word.length, "stop"]); });
      options.forEach(function (o) {
        var cost = best[i].cost + (o[1] === "word" ? 1 : o[1] === "stop" ? 1.01 : 1.02);
        if (cost < best[i + o[0]].cost) best[i + o[0]] = { cost: cost, from: i, kind: o[1] };
      });
    }
    var pieces = [];
    for (var at = han.length; at > 0; at = best[at].from) pieces.unshift({ text: han.slice(best[at].from, at), kind: best[at].kind });
    var merged = [];  // unknown characters next to each other make one unknown piece
    pieces.forEach(function (p) {
      var last = merged[merged.length - 1];
      if (last && last.kind === "unknown" && p.kind === "unknown") last.text += p.text;
      else merged.push({ text: p.text, kind: p.kind });
    });
    return merged;
  }

  /* One run of units (Han characters and Latin words or numbers typed without spaces). */
  var runCount = 0;
  function readRun(run, stop, meta, words, bonus) {
    var hanRun = run.every(function (u) { return HAN.test(u); });
    if (!run.some(function (u) { return HAN.test(u); })) {
      run.forEach(function (u) { words.push(newWord(u, "typed")); });
      return;
    }
    // Han stretches are cut; a number or Latin word sticks to a lone character next to it (2014年).
    var parts = [], han = "";
    run.concat([null]).forEach(function (u) {
      if (u !== null && HAN.test(u)) { han += u; return; }
      if (han) cut(han, stop, meta).forEach(function (p) { parts.push(p); });
      han = "";
      if (u !== null) parts.push({ text: u, kind: "latin" });
    });
    var i, p, next, prev, at = 0, runId = ++runCount;
    for (i = 0; i < parts.length; i++) {
      p = parts[i]; next = parts[i + 1];
      p.start = at; at += p.text.length;
      if (p.kind === "latin" && next && next.kind === "unknown" && next.text.length === 1) {
        next.text = p.text + next.text; next.glued = true; p.kind = "stop";
      } else if (p.kind === "unknown" && p.text.length === 1 && next && next.kind === "latin") {
        next.text = p.text + next.text; next.kind = "unknown"; next.glued = true; p.kind = "stop";
      }
    }
    parts = parts.filter(function (x) { return x.kind !== "stop" || !x.glued; });
    for (i = 0; i < parts.length; i++) {
      p = parts[i];
      if (p.kind === "stop") continue;
      var w = newWord(p.text, p.kind === "word" ? "known" : p.kind === "latin" ? "typed" : "unknown");
      w.optional = p.kind === "unknown" && !p.glued && p.text.length === 1;
      if (hanRun) { w.run = runId; w.start = p.start; }
      words.push(w);
    }
    if (hanRun && run.length <= BONUS_RUN && parts.filter(function (p) { return p.kind !== "stop"; }).length > 1) {
      bonus.push(wordTerms(run.join("")));
    }
  }

  /* Words meaning the same (the reviewed table and the groups' other names), English words,
     pinyin of place names. */
  function addSynonyms(words, q) {
    words.forEach(function (w) {
      q.syn.forEach(function (group) {
        var plain = group.map(unmark);
        if (plain.indexOf(w.word) < 0) return;
        group.forEach(function (other) { if (other[0] !== "-" && unmark(other) !== w.word) addAlt(w, unmark(other), "same"); });
      });
    });
  }
  /* "就医:90": a word and its weight (how many pages its terms are on, added up: what fetching
     them costs); "-看医生": a word no page uses, which leads to the others but is not looked
     for itself. The weights are kept in `weights`. */
  var weights = {};
  function unmark(entry) {
    if (entry[0] === "-") return entry.slice(1);
    var at = entry.lastIndexOf(":");
    if (at < 0) return entry;
    var word = entry.slice(0, at);
    weights[word] = +entry.slice(at + 1);
    return word;
  }

  /* The query as words (see newWord), and the runs whose pages rank first when they hold them whole. */
  function understand(text, meta) {
    return load("q", 0).then(function (q) {
      var stop = { multi: [] };
      q.stop.forEach(function (s) { if (s.length === 1) stop[s] = true; else stop.multi.push(s); });
      var tokens = parseQuery(text);
      var latin = tokens.some(function (t) { return !t.quoted && LATIN.test(t.text); });
      var keys = [];
      tokens.forEach(function (t) { if (!t.quoted) keys = keys.concat(vocabKeys(t.text)); });
      return Promise.all([
        loadAll("v", keys.map(function (k) { return vocabShard(k, meta); })),
        latin ? load("p", 0).catch(function () { return {}; }) : Promise.resolve({})
      ]).then(function (loaded) {
        var pinyin = loaded[1], words = [], bonus = [];
        // "da tong" is read as "datong" when only the joined form is a place name.
        var plain = tokens.filter(function (t) { return !t.quoted; }).map(function (t) { return t.text; });
        if (plain.length > 1 && plain.length === tokens.length && plain.every(function (t) { return /^[a-z]+$/.test(t); }) &&
            pinyin[plain.join("")] && !plain.every(function (t) { return pinyin[t]; }) && !q.en[plain.join(" ")]) {
          tokens = [{ text: plain.join(""), quoted: false }];
        }
        for (var i = 0; i < tokens.length; i++) {
          var t = tokens[i];
          if (t.quoted) { words.push(newWord(t.text, "phrase")); continue; }
          // English: the longest phrase of up to four words (see a doctor, green channel) first.
          var phrase = null;
          for (var n = Math.min(4, tokens.length - i); n > 1 && !phrase; n--) {
            var group = tokens.slice(i, i + n);
            var text = group.map(function (x) { return x.text; }).join(" ");
            if (group.every(function (x) { return !x.quoted; }) && q.en.hasOwnProperty(text)) {
              phrase = newWord(text, "english");
              phrase.alts = [];
              q.en[text].forEach(function (zh) { if (zh[0] !== "-") addAlt(phrase, unmark(zh), "english"); });
              i += n - 1;
            }
          }
          if (phrase) { words.push(phrase); continue; }
          if (q.en.hasOwnProperty(t.text)) {
            var english = newWord(t.text, "english");
            q.en[t.text].forEach(function (zh) { if (zh[0] !== "-") addAlt(english, unmark(zh), "english"); });
            words.push(english); continue;
          }
          runs(t.text).forEach(function (run) { readRun(run, stop, meta, words, bonus); });
        }
        words.forEach(function (w) {
          if (LATIN.test(w.word) && pinyin.hasOwnProperty(w.word)) {
            pinyin[w.word].forEach(function (name) { addAlt(w, name, "pinyin"); });
          }
        });
        addSynonyms(words, q);
        if (!words.some(function (w) { return !w.optional; })) words.forEach(function (w) { w.optional = false; });
        return { words: words, bonus: bonus };
      });
    });
  }

  function headingKey(word) { return /^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{2}/.test(word) ? "#" + word : null; }

  function allTerms(query) {
    var terms = [];
    query.words.forEach(function (w) {
      if (w.deferred) return;
      w.alts.forEach(function (a) {
        terms = terms.concat(a.terms);
        if (!w.optional && headingKey(a.word)) terms.push(headingKey(a.word));
      });
    });
    query.bonus.forEach(function (b) { terms = terms.concat(b); });
    return terms;
  }

  /* A long question at thousands of pages would fetch the posting lists of every common word
     in it (门诊, 优先, 就医 …). What the terms cost is estimated from the words' weights (see
     unmark) and the average shard; beyond the budget, first the pages holding a short run
     whole, then lone characters, then the most common words (never the two rarest) are left
     out of the search: they only rank the results shown, whose text is loaded anyway. */
  var POSTINGS_BUDGET = 90 * 1024;
  function deferCommon(query, meta) {
    var budget = window.__yfPostingsBudget || POSTINGS_BUDGET;  // tests set a small one
    function cost(terms, weight) {
      return terms.filter(function (t) { return !decoded[t]; }).length * (meta.shard_bytes || 0) + 2 * (weight || 0);
    }
    function wordCost(w) {
      return w.alts.reduce(function (sum, a) { return sum + cost(a.terms, weights[a.word]); }, 0);
    }
    var total = query.bonus.reduce(function (sum, b) { return sum + cost(b, 0); }, 0);
    query.words.forEach(function (w) { if (!w.deferred) total += wordCost(w); });
    while (total > budget && query.bonus.length) total -= cost(query.bonus.pop(), 0);
    var order = query.words.filter(function (w) { return w.optional; }).concat(query.words.filter(function (w) {
      return !w.optional && w.alts.every(function (a) { return weights.hasOwnProperty(a.word); });
    }).sort(function (a, b) { return weightOf(b) - weightOf(a); }));
    var kept = query.words.filter(function (w) { return !w.optional; }).length;
    order.forEach(function (w) {
      if (total <= budget || (!w.optional && kept <= 2)) return;
      w.deferred = true;
      total -= wordCost(w);
      if (!w.optional) kept--;
    });
  }
  function weightOf(w) {
    return Math.max.apply(null, w.alts.map(function (a) { return weights[a.word] || 0; }));
  }

  /* Pages holding every term of an alternative (a Map page → score), or of a word (any alternative). */
  /* The pages on every one of the lists (Maps page → count), starting from the shortest. */
  function intersect(lists) {
    if (!lists.length || lists.some(function (l) { return !l; })) return [];
    lists = lists.slice().sort(function (x, y) { return x.size - y.size; });
    var have = Array.from(lists[0].keys());
    for (var i = 1; i < lists.length && have.length; i++) {
      var list = lists[i];
      have = have.filter(function (doc) { return list.has(doc); });
    }
    return have;
  }

  function altDocs(a, meta) {
    if (a.docs) return a.docs;
    var have = intersect(a.terms.map(function (t) { return decoded[t]; }));
    a.docs = new Map();
    have.forEach(function (doc) {
      var part = 0;
      a.terms.forEach(function (t) {
        var list = decoded[t], tf = list.get(doc), idf = Math.log(1 + meta.docs / (1 + list.size));
        part += idf * Math.min(tf, 10) / (tf + 1.5) * 2.5;
      });
      a.docs.set(doc, part);
    });
    return a.docs;
  }
  /* A page found by a word meaning the same counts a little less than one with the word as
     typed (or, for an English word, with its first translation: the site's own word). */
  function wordDocs(w, meta) {
    var docs = new Map();
    w.alts.forEach(function (a) {
      var weight = a.weight || 1;
      altDocs(a, meta).forEach(function (score, doc) { docs.set(doc, Math.max(docs.get(doc) || 0, score * weight)); });
    });
    return docs;
  }

  /* A run of unknown characters that no page holds whole, and that is no near miss either,
     is cut where its characters do not follow each other on any page (州马 in 福州马尾): the
     stretches whose characters do follow each other somewhere are words, the characters
     between them one word that no page has (火星 in 火星基地), or, alone, a lone character.
     A stretch that is on no page whole is cut again at its rarest pair. */
  function splitUnknown(words, meta) {
    function pairSize(text, i) { var list = decoded[text[i] + text[i + 1]]; return list ? list.size : 0; }
    function onPages(text) { return altDocs({ word: text, terms: wordTerms(text) }, meta).size > 0; }
    function cut(text, depth) {
      var pieces = [], i = 0;
      while (i < text.length) {
        var j = i;
        while (j + 1 < text.length && pairSize(text, j) > 0) j++;
        if (j > i) { pieces.push({ text: text.slice(i, j + 1), found: true }); i = j + 1; continue; }
        var last = pieces[pieces.length - 1];
        if (last && !last.found) last.text += text[i]; else pieces.push({ text: text[i], found: false });
        i++;
      }
      var out = [];
      pieces.forEach(function (p) {
        if (!p.found || p.text.length < 3 || onPages(p.text) || depth > 3) { out.push(p); return; }
        var weakest = 0;
        for (var k = 1; k + 1 < p.text.length; k++) if (pairSize(p.text, k) < pairSize(p.text, weakest)) weakest = k;
        out = out.concat(cut(p.text.slice(0, weakest + 1), depth + 1), cut(p.text.slice(weakest + 1), depth + 1));
      });
      return out;
    }
    var out = [];
    words.forEach(function (w) {
      if (w.how !== "unknown" || w.deferred || w.alts.length > 1 || w.word.length < 3 || !HAN_ONLY.test(w.word) ||
          wordDocs(w, meta).size) { out.push(w); return; }
      var at = 0;
      cut(w.word, 0).forEach(function (p) {
        var piece = newWord(p.text, "unknown");
        piece.optional = p.text.length === 1;
        piece.from = w.word;
        piece.run = w.run; piece.start = w.start + at;
        at += p.text.length;
        out.push(piece);
      });
    });
    return out;
  }

  /* Near misses: a word no page holds, one character off a term the pages use. The character
     is looked for in the word with the words typed next to it (绿色 + 通到 → 绿色通道), in the
     word alone (优代证 → 优待证) and, in a long run, around the two characters that follow each
     other on no page (门珍 in 星河湾示范门珍 → 门诊). Only a character read the same way (到/道,
     代/待), or, in three or more characters, the only candidate, counts. The corrected word is
     searched too, and offered. */
  function nearMisses(words, meta) {
    var spans = [];  // {from, to: word indexes; text; start, end: the window looked up in the text}
    words.forEach(function (w, i) {
      if (w.optional || w.deferred || (w.how !== "unknown" && w.how !== "known") || !HAN_ONLY.test(w.word) ||
          wordDocs(w, meta).size) return;
      var prev = words[i - 1], next = words[i + 1];
      var before = prev && prev.run === w.run && w.run && prev.start + prev.word.length === w.start;
      var after = next && next.run === w.run && w.run && w.start + w.word.length === next.start;
      var options = [];
      if (before && after) options.push([i - 1, i + 1]);
      if (before) options.push([i - 1, i]);
      if (after) options.push([i, i + 1]);
      options.push([i, i]);
      options.forEach(function (o) {
        var text = words.slice(o[0], o[1] + 1).map(function (x) { return x.word; }).join("");
        if (text.length >= 2 && text.length <= 6 && HAN_ONLY.test(text)) {
          spans.push({ from: o[0], to: o[1], text: text, start: 0, end: text.length });
        }
      });
      var text = w.word;
      for (var k = 0; k + 1 < text.length; k++) {
        var pair = decoded[text[k] + text[k + 1]];
        if (pair && pair.size) continue;
        [[k - 2, k + 2], [k - 1, k + 3], [k, k + 4], [k - 1, k + 2], [k, k + 3], [k, k + 2]].forEach(function (r) {
          if (r[0] >= 0 && r[1] <= text.length && (r[0] > 0 || r[1] < text.length || text.length > 6)) {
            spans.push({ from: i, to: i, text: text, start: r[0], end: r[1] });
          }
        });
      }
    });
    if (!spans.length) return Promise.resolve([]);
    var wShards = [], yShards = [];
    spans.forEach(function (span) {
      for (var i = span.start; i < span.end; i++) {
        wShards.push(nearShard(window(span, i), meta));
        yShards.push(span.text.charCodeAt(i) % meta.y_shards);
      }
    });
    function window(span, i) {  // the window with its i-th character (counted in the text) replaced by "?"
      return span.text.slice(span.start, i) + "?" + span.text.slice(i + 1, span.end);
    }
    return Promise.all([loadAll("w", wShards), loadAll("y", yShards).catch(function () { return []; })]).then(function () {
      spans.forEach(function (span) {
        var text = span.text, candidates = [];
        for (var i = span.start; i < span.end; i++) {
          var key = window(span, i);
          var typed = ((store.y[text.charCodeAt(i) % meta.y_shards] || {})[text[i]] || "").split("/");
          ((store.w[nearShard(key, meta)] || {})[key] || []).forEach(function (entry) {
            var parts = entry.split(":"), same = parts[1].split("/").some(function (r) { return r && typed.indexOf(r) >= 0; });
            var fixed = text.slice(0, span.start) + parts[0] + text.slice(span.end);
            if (fixed !== text) candidates.push({ word: fixed, same: same });
          });
        }
        var sounding = candidates.filter(function (c) { return c.same; });
        span.fixes = (sounding.length ? sounding : (span.end - span.start >= 3 && candidates.length === 1 ? candidates : []))
          .slice(0, 3).map(function (c) { return c.word; });
      });
      var terms = [];
      spans.forEach(function (span) { span.fixes.forEach(function (t) { terms = terms.concat(wordTerms(t), [headingKey(t)]); }); });
      return postings(terms, meta).then(function () {
        var fixes = [], taken = {};
        spans.forEach(function (span) {  // in the order listed: the longest first; each word once
          for (var k = span.from; k <= span.to; k++) if (taken[k]) return;
          var best = null, size = 0;
          span.fixes.forEach(function (t) {
            var n = altDocs({ word: t, terms: wordTerms(t) }, meta).size;
            if (n > size) { best = t; size = n; }
          });
          if (!best) return;
          for (k = span.from; k <= span.to; k++) taken[k] = true;
          var w = words[span.from];
          if (span.to > span.from) {  // the words typed together become one word
            var joined = newWord(span.text, "unknown");
            joined.run = w.run; joined.start = w.start;
            words[span.from] = joined; w = joined;
            for (k = span.from + 1; k <= span.to; k++) words[k] = null;
          }
          addAlt(w, best, "near");
          fixes.push({ from: span.text, to: best });
        });
        for (var k = words.length - 1; k >= 0; k--) if (words[k] === null) words.splice(k, 1);
        return fixes;
      });
    });
  }

  /* ---------------- filters ---------------- */
  function filtersFromForm() {
    var f = {};
    ["year_from", "year_to", "bureau", "region", "kind", "topic"].forEach(function (name) {
      var el = form.elements[name];
      if (el && el.value) f[name] = el.value;
    });
    return f;
  }

  function passesFilters(doc, f, facets) {
    if (!facets) return true;
    var row = facets.rows[doc];
    if (f.year_from && !(row[0] && row[0] >= +f.year_from)) return false;
    if (f.year_to && !(row[0] && row[0] <= +f.year_to)) return false;
    if (f.bureau && facets.bureaus[row[1]] !== f.bureau) return false;
    if (f.region && facets.regions[row[2]] !== f.region) return false;
    if (f.kind && facets.kinds[row[3]] !== f.kind) return false;
    if (f.topic) {
      var bit = facets.topics.indexOf(f.topic);
      if (bit < 0 || !(row[4] & (1 << bit))) return false;
    }
    return true;
  }

  /* ---------------- searching and ranking ---------------- */
  /* The search of a text with filters; the last one is kept, so that the search shown after the
     typing pause takes over the one started while typing instead of doing it again. */
  var lastSearch = { key: null, promise: null };
  function search(text, filters) {
    var key = JSON.stringify([text, filters]);
    if (lastSearch.key !== key) {
      var entry = lastSearch = { key: key, promise: searchAnew(text, filters) };
      entry.promise.catch(function () { if (lastSearch === entry) lastSearch = { key: null, promise: null }; });
    }
    return lastSearch.promise;
  }

  function searchAnew(text, filters) {
    return load("m", 0).then(function (meta) {
      // The query table and the vocabulary of the text as typed load while it is folded (most
      // text is Simplified already; what folding changes is fetched after).
      load("q", 0).catch(function () {});
      loadAll("v", vocabKeys(widen(text).toLowerCase()).map(function (k) { return vocabShard(k, meta); })).catch(function () {});
      return fold(text, meta).then(function (folded) {
        return understand(folded, meta);
      }).then(function (query) {
        query.words = query.words.filter(function (w) {
          w.alts = w.alts.filter(function (a) { return a.terms.length; });
          return w.alts.length;
        });
        var needFacets = Object.keys(filters).length > 0;
        if (!query.words.length && !needFacets) return { meta: meta, words: [], hits: [], fixes: [] };
        deferCommon(query, meta);
        return Promise.all([postings(allTerms(query), meta), needFacets ? load("f", 0) : Promise.resolve(null)])
          .then(function (loaded) {
            return nearMisses(query.words, meta).then(function (fixes) {
              query.words = splitUnknown(query.words, meta);
              addSynonyms(query.words.filter(function (w) { return w.from; }), store.q[0]);
              if (!query.words.some(function (w) { return !w.optional && !w.deferred; })) {
                query.words.forEach(function (w) { if (!w.deferred) w.optional = false; });
              }
              return postings(allTerms(query), meta).then(function () { return fixes; });  // lone characters cut off
            }).then(function (fixes) {
              var ranked = rank(query, meta, filters, loaded[1]);
              return { meta: meta, words: query.words, hits: ranked.hits, partial: ranked.partial, fixes: fixes };
            });
          });
      });
    });
  }

  function rank(query, meta, filters, facets) {
    var words = query.words.filter(function (w) { return !w.deferred; });
    var required = words.filter(function (w) { return !w.optional; });
    var docsOf = words.map(function (w) { return wordDocs(w, meta); });
    var candidates, partial = false;
    if (!words.length) {
      candidates = [];
      for (var d = 0; d < meta.docs; d++) candidates.push(d);
    } else {
      candidates = null;
      words.forEach(function (w, i) {
        if (w.optional) return;
        var docs = Array.from(docsOf[i].keys());
        candidates = candidates === null ? docs : candidates.filter(function (doc) { return docsOf[i].has(doc); });
      });
      if (!candidates.length && required.length > 1) {  // no page has every word: the pages with most of them
        partial = true;
        var union = new Set();
        docsOf.forEach(function (docs) { docs.forEach(function (_s, doc) { union.add(doc); }); });
        candidates = Array.from(union);
      }
      candidates.sort(function (a, b) { return a - b; });
    }
    var weight = docsOf.map(function (docs) { return Math.log(1 + meta.docs / (1 + docs.size)); });
    var whole = query.bonus.map(function (terms) { return altDocs({ terms: terms }, meta); });
    // Pages with a word in their title (as typed counts 1, a word meaning the same a little less),
    // and pages with a section headed exactly by it (a glossary term): worked out once per word.
    var titleOf = words.map(function (w) {
      var found = new Map();
      if (w.optional) return found;
      w.alts.forEach(function (a) {
        intersect(a.terms.map(function (t) { return decoded["^" + t]; })).forEach(function (doc) {
          found.set(doc, Math.max(found.get(doc) || 0, a.weight || 1));
        });
      });
      return found;
    });
    var headedOf = words.map(function (w) {
      var found = new Set();
      if (!w.optional) w.alts.forEach(function (a) { var h = decoded[headingKey(a.word)]; if (h) h.forEach(function (_n, doc) { found.add(doc); }); });
      return found;
    });
    var hits = [];
    candidates.forEach(function (doc) {
      if (!passesFilters(doc, filters, facets)) return;
      var score = 0, titleWords = 0, titleWeight = 0, matched = [];
      for (var i = 0; i < words.length; i++) {
        var part = docsOf[i].get(doc);
        if (part === undefined) continue;
        var w = words[i];
        matched.push(w);
        score += part * (w.optional ? 0.3 : 1);
        if (w.optional) continue;
        var inTitle = titleOf[i].get(doc) || 0;
        if (inTitle) { titleWords++; titleWeight += inTitle; }
        // No page has every word: the rarer the words a page has, the higher (a word in the title counts half again).
        if (partial) score += weight[i] * 20 * (1 + inTitle * 0.5);
        if (headedOf[i].has(doc)) score += 400;
      }
      whole.forEach(function (docs) { if (docs.has(doc)) score += 300; });
      var allInTitle = required.length && titleWords === required.length;
      if (!partial) score += allInTitle ? 1000 * titleWeight / titleWords : titleWeight * 100;
      if (meta.weights && meta.weights.hasOwnProperty(doc)) score *= meta.weights[doc];  // pages for editors
      hits.push({ doc: doc, score: score, phrase: false, matched: matched });
    });
    hits.sort(function (a, b) { return b.score - a.score || a.doc - b.doc; });
    return { hits: hits, partial: partial };
  }

  /* Load the first page of hits (one file each: title line and sections) and put
     exact phrases first; the next ones are loaded when "more" is asked for. */
  function refine(result) {
    var top = result.hits.slice(0, PAGE);
    return Promise.all(top.map(function (hit) { return fill(hit, result.words); })).then(function () {
      // Pages with every word in one section first (not when no page has every word: then
      // each page is judged by the words it has, and the ranking stands).
      if (!result.partial) top.sort(function (a, b) { return (b.phrase - a.phrase) || (b.score - a.score) || (a.doc - b.doc); });
      var list = top.concat(result.hits.slice(PAGE));
      list.words = result.words; list.partial = result.partial; list.fixes = result.fixes;
      return list;
    });
  }

  /* A hit's title line, the section to link to and a snippet there. */
  function fill(hit, words) {
    return load("x", hit.doc).then(function (rows) {
      var row = rows[0], sections = foldSections(rows.slice(1));
      hit.url = row[0]; hit.title = row[1]; hit.sub = row[2]; hit.kind = row[3];
      words.forEach(function (w) {  // common words left out of the search rank what is shown
        if (w.deferred && hit.matched.indexOf(w) < 0 && sections.some(function (s) { return has(s, w); })) {
          hit.matched.push(w);
          hit.score += 20 * Math.log(1 + meta0().docs * w.word.length / (1 + weightOf(w)));
        }
      });
      locate(hit, sections, hit.matched.length ? hit.matched : words);
    });
  }
  function meta0() { return store.m[0]; }

  /* A section row is [anchor, heading, text] and, when the text has Traditional
     characters, its Simplified form: no folding table is needed here. */
  function foldSections(sections) {
    return sections.map(function (s) {
      var raw = s[1] + "\n" + s[2];
      return { anchor: s[0], raw: raw, folded: widen(s.length > 3 ? s[3] : raw).toLowerCase() };
    });
  }

  function has(s, w) {
    return w.alts.some(function (a) { return s.folded.indexOf(a.word) >= 0; });
  }

  /* The first section holding every word (as a phrase if possible), and a snippet there. */
  function locate(hit, sections, words) {
    var needed = words.filter(function (w) { return !w.optional; });
    var best = null;
    sections.forEach(function (s) {  // a section headed by a word (a glossary term) first
      var heading = s.folded.split("\n")[0];
      if (!best && needed.some(function (w) { return w.alts.some(function (a) { return a.word === heading; }); })) best = s;
    });
    sections.forEach(function (s) {
      if (!best && needed.every(function (w) { return has(s, w); })) best = s;
    });
    hit.phrase = !!best && needed.length > 0;
    var section = best || sections.find(function (s) {
      return needed.some(function (w) { return has(s, w); });
    }) || sections[0];
    hit.anchor = section ? section.anchor : "";
    hit.snippet = section ? snippet(section, words) : [];
    var shown = {};  // the words to mark on the page itself (?h=), as the page writes them
    (needed.length ? needed : words).forEach(function (w) {  // not lone characters (交)
      w.alts.forEach(function (a) {
        sections.forEach(function (s) {
          var i = s.folded.indexOf(a.word);
          if (i >= 0) { shown[a.word] = true; shown[s.raw.substr(i, a.word.length)] = true; }
        });
      });
    });
    hit.highlight = Object.keys(shown);
  }

  function snippet(section, words) {
    var at = -1, raw = section.raw, folded = section.folded;
    var needles = [];
    words.forEach(function (w) { w.alts.forEach(function (a) { needles.push(a.word); }); });
    needles.forEach(function (word) { var i = folded.indexOf(word); if (i >= 0 && (at < 0 || i < at)) at = i; });
    var start = Math.max(0, at - 30), end = Math.min(raw.length, start + 110);
    var text = raw.slice(start, end).replace(/\s+/g, " "), low = folded.slice(start, end).replace(/\s+/g, " ");
    var marks = [];
    needles.forEach(function (word) {
      var i = low.indexOf(word);
      while (i >= 0) { marks.push([i, i + word.length]); i = low.indexOf(word, i + word.length); }
    });
    marks.sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });
    var parts = [], pos = 0;
    marks.forEach(function (m) {
      if (m[0] < pos) return;
      parts.push([text.slice(pos, m[0]), false], [text.slice(m[0], m[1]), true]);
      pos = m[1];
    });
    parts.push([text.slice(pos), false]);
    if (start > 0) parts.unshift(["…", false]);
    if (end < raw.length) parts.push(["…", false]);
    return parts;
  }

  /* ---------------- rendering ---------------- */
  function hitHref(hit) {
    var query = hit.highlight && hit.highlight.length ? "?h=" + encodeURIComponent(hit.highlight.join(" ")) : "";
    return pageBase() + hit.url + query + (hit.anchor ? "#" + hit.anchor : "");
  }

  function render(list, query, shown) {
    results.textContent = "";
    if (!list.length) {
      var empty = document.createElement("li");
      empty.className = "yf-search-empty";
      empty.textContent = "没有找到与“" + query + "”相符的页面。可以试试：换一个更短的词（如“通道”而不是“绿色通道服务”），去掉筛选条件，或者只输入地名。";
      results.appendChild(empty);
      return;
    }
    list.slice(0, shown).forEach(function (hit) {
      var li = document.createElement("li");
      li.className = "yf-search-hit";
      var a = document.createElement("a");
      a.href = hitHref(hit);
      a.textContent = hit.title;
      li.appendChild(a);
      var sub = document.createElement("div");
      sub.className = "yf-meta";
      sub.textContent = [hit.kind, hit.sub].filter(Boolean).join(" · ");
      li.appendChild(sub);
      if (list.partial) {
        var holds = document.createElement("div");
        holds.className = "yf-meta yf-search-holds";
        holds.textContent = "含有：" + hit.matched.filter(function (w) { return !w.optional; })
          .map(function (w) { return w.word; }).join("、");
        li.appendChild(holds);
      }
      if (hit.snippet && hit.snippet.length) {
        var p = document.createElement("p");
        p.className = "yf-search-snippet";
        hit.snippet.forEach(function (part) {
          var node = part[1] ? document.createElement("mark") : document.createTextNode(part[0]);
          if (part[1]) node.textContent = part[0];
          p.appendChild(node);
        });
        li.appendChild(p);
      }
      results.appendChild(li);
    });
  }

  /* How the query was read, when that differs from the words as typed: "按这些词查找：
     退役军人、看病、优待（看病 按同义词也查了：就医）". */
  var WHY = { same: "同义词", english: "英文", pinyin: "拼音", near: "近似的词" };
  function readingNote(words, typed) {
    if (!words.length) return "";
    var changed = words.length > 1 || words.some(function (w) { return w.word !== typed.trim(); });
    var read = changed ? "按这些词查找：" + words.map(function (w) {
      return w.optional ? w.word + "（可有可无）" : w.word;
    }).join("、") + "。" : "";
    var also = words.map(function (w) {
      var extra = w.alts.filter(function (a) { return a.word !== w.word; });
      return extra.length ? w.word + " 按" + (WHY[extra[0].why] || "同义词") + "也查了：" +
        extra.map(function (a) { return a.word; }).join("、") : "";
    }).filter(Boolean);
    return read + (also.length ? "（" + also.join("；") + "）" : "");
  }

  function deferredNote(words) {
    var common = words.filter(function (w) { return w.deferred && !w.optional; }).map(function (w) { return w.word; });
    return common.length ? "（" + common.join("、") + " 在很多页面上都有，只用来给前面的结果排序）" : "";
  }

  function missingNote(list) {
    if (!list.partial) return "";
    var none = list.words.filter(function (w) {
      return !w.optional && !w.deferred && !w.alts.some(function (a) { return a.docs && a.docs.size; });
    });
    return "没有页面同时含有全部的词，下面的页面只含有其中一部分，含有的词多的排在前面。" +
      (none.length ? "没有找到：" + none.map(function (w) { return w.word; }).join("、") + "。" : "");
  }

  function showSuggestions(fixes, typed) {
    suggest.textContent = "";
    suggest.hidden = !fixes.length;
    if (!fixes.length) return;
    var corrected = typed;
    fixes.forEach(function (f) { corrected = corrected.split(f.from).join(f.to); });
    suggest.appendChild(document.createTextNode("你是不是要找："));
    var a = document.createElement("a");
    var params = new URLSearchParams(window.location.search);
    params.set("q", corrected);
    a.href = "?" + params.toString();
    a.textContent = corrected;
    a.setAttribute("data-yf-suggestion", "");
    a.addEventListener("click", function (e) {
      e.preventDefault();
      input.value = corrected;
      run();
    });
    suggest.appendChild(a);
  }

  function pageBase() { return root.getAttribute("data-site-root"); }

  /* ---------------- URL state ---------------- */
  function readUrl() {
    var params = new URLSearchParams(window.location.search);
    input.value = params.get("q") || "";
    ["year_from", "year_to", "bureau", "region", "kind", "topic"].forEach(function (name) {
      var el = form.elements[name], value = params.get(name);
      if (el && value !== null && Array.prototype.some.call(el.options, function (o) { return o.value === value; })) el.value = value;
    });
    var year = params.get("year");  // ?year=2014 is a shorthand for from = to = 2014
    if (year && form.elements.year_from) { form.elements.year_from.value = year; form.elements.year_to.value = year; }
    var details = form.querySelector("details");
    if (details && Object.keys(filtersFromForm()).length) details.open = true;  // show the filters in use
  }

  function writeUrl() {
    var params = new URLSearchParams();
    if (input.value.trim()) params.set("q", input.value.trim());
    var f = filtersFromForm();
    Object.keys(f).forEach(function (k) { params.set(k, f[k]); });
    var query = params.toString();
    try {
      window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
    } catch (e) { /* some browsers refuse history changes on file:// pages; the search still works */ }
  }

  var current = 0, shownCount = PAGE, lastList = [];
  function run() {
    var text = input.value.trim(), filters = filtersFromForm(), ticket = ++current;
    if (window.performance && performance.mark) performance.mark("yf-search-start");  // for the benchmark
    results.setAttribute("data-state", "busy");
    writeUrl();
    if (!text && !Object.keys(filters).length) {
      results.textContent = "";
      showSuggestions([], "");
      status.textContent = "输入要找的词或问题，例如：绿色通道、优待证、福州马尾、退役军人看病有什么优待。";
      results.setAttribute("data-state", "done");
      return;
    }
    search(text, filters).then(refine).then(function (list) {
      if (ticket !== current) return;
      lastList = list; shownCount = PAGE;
      status.textContent = [list.length ? "找到 " + list.length + " 个页面。" : "", missingNote(list),
        readingNote(list.words || [], text), deferredNote(list.words || [])].filter(Boolean).join("");
      showSuggestions(list.fixes || [], text);
      render(list, text, shownCount);
      more.hidden = list.length <= shownCount;
      results.setAttribute("data-state", "done");
    }).catch(function (err) { if (ticket === current) failed(err); });
  }

  function failed(err) {
    status.textContent = "搜索索引无法加载（" + err.message + "）。请刷新页面再试。";
    results.setAttribute("data-state", "done");
  }

  var more = root.querySelector("[data-yf-more]");
  more.addEventListener("click", function () {
    shownCount += PAGE;
    var extra = lastList.slice(0, shownCount).filter(function (h) { return !h.url; });
    var ticket = current;
    results.setAttribute("data-state", "busy");
    Promise.all(extra.map(function (hit) { return fill(hit, lastList.words); })).then(function () {
      if (ticket !== current) return;
      render(lastList, input.value.trim(), shownCount);
      more.hidden = lastList.length <= shownCount;
      results.setAttribute("data-state", "done");
    }, function (err) { if (ticket === current) failed(err); });
  });

  /* While the reader is still typing (or pausing), do the search on the text so far without
     showing it: the folding table, the query table and vocabulary, the term shards of the
     words and what near misses need arrive meanwhile. The search shown waits for a 120 ms
     pause, and then only the result files of the first ten hits are left to fetch. */
  function prefetch() {
    var text = input.value.trim();
    if (!text) return;
    search(text, filtersFromForm()).catch(function () { /* the search reports a missing file itself */ });
  }

  var timer = null;
  input.addEventListener("input", function () { clearTimeout(timer); prefetch(); timer = setTimeout(run, 120); });
  load("m", 0).catch(function () {});
  form.addEventListener("change", run);
  form.addEventListener("submit", function (e) { e.preventDefault(); clearTimeout(timer); run(); });
  readUrl();
  run();
})();
