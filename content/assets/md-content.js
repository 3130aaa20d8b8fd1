/* Material for MkDocs' inline script after the page content (MIT licence, (c) Martin
   Donath), unchanged, in a file so that the page's Content-Security-Policy needs no
   'unsafe-inline': opens the content tab that the address's #fragment names. */
var target=document.getElementById(location.hash.slice(1));target&&target.name&&(target.checked=target.name.startsWith("__tabbed_"))
