import { describe, expect, it } from 'vitest';
import { scopeIncludesSite, scopeOfSites, UNRESTRICTED } from './site-scope.js';

describe('site scope', () => {
  it('is unrestricted for a user with no sites, and limited to the sites given otherwise', () => {
    expect(scopeOfSites([])).toBe(UNRESTRICTED);
    expect(scopeOfSites(['b', 'a'])).toEqual({ kind: 'sites', siteIds: ['a', 'b'] });
  });

  it('includes work at one of its sites only; work with no site only when unrestricted', () => {
    const limited = scopeOfSites(['a']);
    expect(scopeIncludesSite(limited, 'a')).toBe(true);
    expect(scopeIncludesSite(limited, 'b')).toBe(false);
    expect(scopeIncludesSite(limited, null)).toBe(false);
    expect(scopeIncludesSite(UNRESTRICTED, null)).toBe(true);
    expect(scopeIncludesSite(UNRESTRICTED, 'b')).toBe(true);
  });
});
