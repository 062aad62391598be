"""Telling people: the release e-mail to the reform office, alerts to the data team."""
