-- POST /connect/token, client credentials (the demo scripts client).
wrk.method = "POST"
wrk.body = "grant_type=client_credentials&client_id=agora-scripts&client_secret=agora-scripts-secret&scope=read%3Acatalog"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
