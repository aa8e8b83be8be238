package server

import (
	"github.com/authwiz/authwiz/internal/atlassian"
	"github.com/authwiz/authwiz/internal/rehearsal/sampleapp"
)

// The sample app's credentials. They only work against this server.
const (
	SampleClientID     = sampleapp.ClientID
	SampleClientSecret = sampleapp.ClientSecret
	SampleAppName      = sampleapp.AppName
)

const sandboxID = "66666666-7777-4888-9999-000000000000"

// Sample is a world with one app that registered every scope authwiz knows
// and the given Callback URLs, two Confluence sites, and one user who let
// the app use acme-sandbox in an earlier consent. As at Atlassian, a
// consent that chooses acme then reaches both sites (a grant with several
// sites, whose default the admin picks), and one that chooses acme-sandbox
// reaches that one alone.
func Sample(callbackURLs ...string) Config {
	var scopes []string
	for _, s := range atlassian.Catalog() {
		scopes = append(scopes, s.Name)
	}
	return Config{
		Apps: []App{{
			ClientID:     SampleClientID,
			ClientSecret: SampleClientSecret,
			Name:         SampleAppName,
			CallbackURLs: callbackURLs,
			Scopes:       scopes,
			GrantedSites: []string{sandboxID},
		}},
		Sites: []Site{
			{ID: "11111111-2222-4333-8444-555555555555", Name: "acme", URL: "https://acme.atlassian.net", Spaces: []string{"Engineering", "Support"}},
			{ID: sandboxID, Name: "acme-sandbox", URL: "https://acme-sandbox.atlassian.net", Spaces: []string{"Sandbox"}},
		},
		User: User{AccountID: "5b10ac8d82e05b22cc7d4ef5", Name: "Ada Admin", Email: "ada@acme.example"},
		DescribeScope: func(name string) string {
			s, _ := atlassian.LookupScope(name)
			return s.Description
		},
	}
}
