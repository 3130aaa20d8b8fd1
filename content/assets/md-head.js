/* Material for MkDocs' inline head script (MIT licence, (c) Martin Donath), moved into a
   file so that the page's Content-Security-Policy needs no 'unsafe-inline' (see
   hooks/youfu/security.py). One change: the site root (__md_scope, the prefix of what
   Material keeps in localStorage) is found from this file's own address, assets/md-head.js,
   instead of being written into every page; it is the same folder either way. */
__md_scope=new URL("..",document.currentScript.src),__md_hash=e=>[...e].reduce(((e,_)=>(e<<5)-e+_.charCodeAt(0)),0),__md_get=(e,_=localStorage,t=__md_scope)=>JSON.parse(_.getItem(t.pathname+"."+e)),__md_set=(e,_,t=localStorage,a=__md_scope)=>{try{t.setItem(a.pathname+"."+e,JSON.stringify(_))}catch(e){}}
