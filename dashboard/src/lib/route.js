// Hash routes (#/inbox/cnv_…): links work without server rewrites and survive a reload.
import { useEffect, useState } from 'preact/hooks';

export function parseHash(hash = location.hash) {
  const [path, qs] = hash.replace(/^#\/?/, '').split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  return { page: parts[0] || 'inbox', params: parts.slice(1), query: new URLSearchParams(qs || '') };
}

export function useRoute() {
  const [route, setRoute] = useState(parseHash());
  useEffect(() => {
    const on = () => setRoute(parseHash());
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}

export const go = (path) => { location.hash = `#/${path}`; };
