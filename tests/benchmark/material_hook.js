/* Benchmark variant "Material + hook" (tests/benchmark/material_hook.py): rewrite each
   query before Material's search worker sees it, the same way the hook wrote the index. */
(function () {
  "use strict";
  var T2S = /*T2S*/{};
  var HAN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;
  var UNITS = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[0-9a-z]+/g;
  var QUERY = 2; /* SearchMessageType.QUERY in Material's worker protocol */

  function fold(text) {
    return text.replace(/[\uff01-\uff5e]/g, function (c) { return String.fromCharCode(c.charCodeAt(0) - 0xfee0); })
      .toLowerCase().replace(/./g, function (c) { return T2S[c] || c; });
  }

  function rewrite(query) {
    var terms = [], m;
    var text = fold(query);
    UNITS.lastIndex = 0;
    while ((m = UNITS.exec(text))) {
      var unit = m[0];
      if (!HAN.test(unit[0])) terms.push("+" + unit);
      else if (unit.length === 1) terms.push("+" + unit + "*");
      else for (var i = 0; i + 1 < unit.length; i++) terms.push("+" + unit.slice(i, i + 2));
    }
    return terms.filter(function (t, i) { return terms.indexOf(t) === i; }).join(" ");
  }

  var post = Worker.prototype.postMessage;
  Worker.prototype.postMessage = function (message) {
    if (message && message.type === QUERY && typeof message.data === "string") {
      message = { type: QUERY, data: rewrite(message.data) };
    }
    return post.apply(this, [message].concat([].slice.call(arguments, 1)));
  };
})();
