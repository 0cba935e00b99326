package secret

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestName(t *testing.T) {
	for name, want := range map[string]bool{
		"password": true, "Password": true, "X-API-Key": true, "api_key": true, "apiKey": true,
		"client_secret": true, "access_token": true, "sessionId": true, "Authorization": true,
		"auth": true, "X-Auth": true, "basic_auth": true, "sig": true, "key": true, "pwd": true, "pass": true,
		"X-Amz-Signature": true, "Cookie": true, "csrf_token": true, "Bearer": true, "jwt": true,
		"token_type": false, "password_length": false, "author": false, "monkey": false, "design": false,
		"name": false, "limit": false, "bypass": false, "keyboard": false, "spinner": false,
	} {
		assert.Equal(t, want, Name(name), name)
	}
}
