import { describe, expect, it } from 'vitest';
import { mergeProjectParts, type ProjectData } from './project-data.js';
import type { CostStats, SessionRow, ToolUsageResponse } from './types.js';

const cost = { totals: { cost_usd: 1 } } as unknown as CostStats;
const tools = { tools: [] } as unknown as ToolUsageResponse;
const sessions = [{ session_id: 's1' }] as unknown as SessionRow[];
const part = (p: Partial<ProjectData>): ProjectData => ({ name: 'beta', cost: null, tools: null, sessions: null, moreSessions: false, ...p });

describe('the project page while two loads overlap', () => {
  it('keeps a part already drawn when the other load brings a different one first', () => {
    // The first load's sessions are on screen; a refresh's cost arrives with its sessions still null.
    const shown = part({ sessions, moreSessions: true });
    const merged = mergeProjectParts(shown, part({ cost }));
    expect(merged.sessions).toBe(sessions);
    expect(merged.moreSessions).toBe(true);
    expect(merged.cost).toBe(cost);
    expect(merged.tools).toBeNull();
  });

  it('takes the newer answer of a part, and nothing of another project', () => {
    const newer = [{ session_id: 's2' }] as unknown as SessionRow[];
    expect(mergeProjectParts(part({ sessions, tools }), part({ sessions: newer })).sessions).toBe(newer);
    expect(mergeProjectParts(part({ sessions, tools }), part({ sessions: newer })).tools).toBe(tools);
    const other = { ...part({ cost }), name: 'alpha' };
    expect(mergeProjectParts(part({ sessions }), other)).toBe(other);
    expect(mergeProjectParts(null, other)).toBe(other);
  });
});
