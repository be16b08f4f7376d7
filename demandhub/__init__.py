"""Demand Hub: police contact management and command and control."""
