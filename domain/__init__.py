"""Mandi's domain: Tortoise models and services per area. Knows no HTTP and no GraphQL."""
