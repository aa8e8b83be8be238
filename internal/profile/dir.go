package profile

import (
	"fmt"
	"os"
	"path/filepath"
)

// ConfigDir is where authwiz keeps its files: $AUTHWIZ_CONFIG_DIR, else
// $XDG_CONFIG_HOME/authwiz, else the OS user config directory + /authwiz.
func ConfigDir() (string, error) {
	return configDir(os.Getenv, os.UserConfigDir)
}

func configDir(getenv func(string) string, userConfigDir func() (string, error)) (string, error) {
	if dir := getenv("AUTHWIZ_CONFIG_DIR"); dir != "" {
		return absDir("AUTHWIZ_CONFIG_DIR", dir)
	}
	if dir := getenv("XDG_CONFIG_HOME"); dir != "" {
		return absDir("XDG_CONFIG_HOME", filepath.Join(dir, "authwiz"))
	}
	base, err := userConfigDir()
	if err != nil {
		return "", fmt.Errorf("find your configuration directory: %w; set AUTHWIZ_CONFIG_DIR to a directory authwiz may use", err)
	}
	return filepath.Join(base, "authwiz"), nil
}

// absDir makes a configured directory absolute so messages and lock files
// never depend on the working directory of whoever runs authwiz.
func absDir(source, dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("use %s=%q as the configuration directory: %w", source, dir, err)
	}
	return abs, nil
}
