package server

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// state is what the server keeps across restarts, so a rehearsal profile
// keeps working from one `authwiz demo` run to the next: the Callback URLs
// registered in the rehearsal, the sites consents let each app use, and
// every grant's tokens. Consent pages and codes live minutes and are not
// kept.
type state struct {
	Version   int                 `json:"version"`
	Callbacks map[string][]string `json:"callbacks"` // by Client ID
	Sites     map[string][]string `json:"sites"`     // cloud IDs, by Client ID
	Grants    []savedGrant        `json:"grants"`
}

// stateVersion 2 added Sites. Version 1 was written when every grant
// reached every site, so its grants keep doing so.
const stateVersion = 2

// savedGrant is one consent's family of tokens.
type savedGrant struct {
	ClientID  string         `json:"client_id"`
	Scopes    []string       `json:"scopes"`
	ConsentAt time.Time      `json:"consent_at"`
	Current   string         `json:"current,omitempty"`
	Previous  string         `json:"previous,omitempty"`
	RotatedAt time.Time      `json:"rotated_at"`
	Revoked   bool           `json:"revoked,omitempty"`
	Access    []savedToken   `json:"access,omitempty"`
	Refresh   []savedRefresh `json:"refresh,omitempty"`
}

type savedToken struct {
	Token   string    `json:"token"`
	Expires time.Time `json:"expires"`
}

type savedRefresh struct {
	savedToken
	RotatedAt time.Time `json:"rotated_at"`
}

// MarshalState is the server's apps' Callback URLs and its grants, for
// RestoreState in a later run. It holds live tokens: keep it private.
func (s *Server) MarshalState() ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := state{Version: stateVersion, Callbacks: map[string][]string{}, Sites: map[string][]string{}}
	for _, app := range s.cfg.Apps {
		st.Callbacks[app.ClientID] = slices.Clone(app.CallbackURLs)
		st.Sites[app.ClientID] = slices.Clone(app.GrantedSites)
	}
	families := map[*family]*savedGrant{}
	saved := func(clientID string, scopes []string, f *family) *savedGrant {
		if g := families[f]; g != nil {
			return g
		}
		g := &savedGrant{ClientID: clientID, Scopes: scopes, ConsentAt: f.consentAt, Current: f.current,
			Previous: f.previous, RotatedAt: f.rotatedAt, Revoked: f.revoked}
		families[f] = g
		return g
	}
	for tok, g := range s.access {
		sg := saved(g.clientID, g.scopes, g.family)
		sg.Access = append(sg.Access, savedToken{tok, g.expires})
	}
	for tok, rt := range s.refresh {
		sg := saved(rt.clientID, rt.scopes, rt.family)
		sg.Refresh = append(sg.Refresh, savedRefresh{savedToken{tok, rt.expires}, rt.rotatedAt})
	}
	for _, g := range families {
		// A stable order keeps the file's diffs readable.
		slices.SortFunc(g.Access, func(a, b savedToken) int { return a.Expires.Compare(b.Expires) })
		slices.SortFunc(g.Refresh, func(a, b savedRefresh) int { return a.Expires.Compare(b.Expires) })
		st.Grants = append(st.Grants, *g)
	}
	slices.SortFunc(st.Grants, func(a, b savedGrant) int { return a.ConsentAt.Compare(b.ConsentAt) })
	return json.MarshalIndent(st, "", "  ")
}

// RestoreState brings back what MarshalState kept: Callback URLs and the
// sites consents chose are added to the apps with the same Client ID (an
// app no longer configured is dropped with its grants), and the grants'
// tokens work again as they did.
func (s *Server) RestoreState(data []byte) error {
	var st state
	if err := json.Unmarshal(data, &st); err != nil {
		return fmt.Errorf("read the rehearsal server's saved state: %w", err)
	}
	switch st.Version {
	case 1:
		var every []string
		for _, site := range s.cfg.Sites {
			every = append(every, site.ID)
		}
		st.Sites = map[string][]string{}
		for _, g := range st.Grants {
			st.Sites[g.ClientID] = every
		}
	case stateVersion:
	default:
		return fmt.Errorf("the rehearsal server's saved state has version %d; this authwiz reads versions 1 to %d", st.Version, stateVersion)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.cfg.Apps {
		app := &s.cfg.Apps[i]
		app.CallbackURLs = union(app.CallbackURLs, st.Callbacks[app.ClientID])
		app.GrantedSites = union(app.GrantedSites, st.Sites[app.ClientID])
	}
	for _, sg := range st.Grants {
		if s.app(sg.ClientID) == nil {
			continue
		}
		f := &family{consentAt: sg.ConsentAt, current: sg.Current, previous: sg.Previous, rotatedAt: sg.RotatedAt, revoked: sg.Revoked}
		g := grant{clientID: sg.ClientID, scopes: sg.Scopes, family: f}
		for _, t := range sg.Access {
			a := g
			a.expires = t.Expires
			s.access[t.Token] = &a
		}
		for _, t := range sg.Refresh {
			r := &refreshToken{grant: g, rotatedAt: t.RotatedAt}
			r.expires = t.Expires
			s.refresh[t.Token] = r
		}
	}
	s.forgetExpired()
	return nil
}

// union is have with what of add it lacks, in add's order.
func union(have, add []string) []string {
	for _, v := range add {
		if !slices.Contains(have, v) {
			have = append(have, v)
		}
	}
	return have
}
