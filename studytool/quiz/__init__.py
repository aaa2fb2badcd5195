"""The quiz: a pure session engine (`engine`) and the terminal front end (`terminal`)."""
