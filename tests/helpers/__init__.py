"""Test helpers: the few stand-ins for what cannot run here, and shared builders."""
