// Package loopback answers questions about listening on this computer that
// several parts of authwiz ask: whether a listen failed because the port is
// taken (which Windows reports with an error code of its own).
package loopback
