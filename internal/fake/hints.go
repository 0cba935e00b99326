package fake

import (
	"fmt"
	"strings"
	"time"
	"unicode"
)

// hint is a kind of realistic data selected by a property name.
type hint uint8

const (
	hNone hint = iota
	hEmail
	hFirstName
	hLastName
	hFullName
	hUsername
	hPhone
	hCity
	hCountry
	hCountryCode
	hState
	hZip
	hStreet
	hURL
	hImage
	hCompany
	hTitle
	hText
	hMoney
	hCurrency
	hDateTime
	hDate
	hID
	hLat
	hLng
	hColor
	hIP
	hUserAgent
	hLocale
	hToken
	hAge
	hCount
	hStatus
	hSlug
	hVersion
	hTag
	hPassword
	hYear
	hRating
	hPercent
	hPort
	hDomain
	hWord
)

var exactHints = map[string]hint{
	"email": hEmail, "emailaddress": hEmail, "mail": hEmail,
	"firstname": hFirstName, "givenname": hFirstName, "forename": hFirstName,
	"lastname": hLastName, "surname": hLastName, "familyname": hLastName,
	"name": hFullName, "fullname": hFullName, "displayname": hFullName, "contactname": hFullName, "author": hFullName, "owner": hFullName,
	"username": hUsername, "login": hUsername, "handle": hUsername, "nickname": hUsername, "screenname": hUsername, "user": hUsername,
	"phone": hPhone, "phonenumber": hPhone, "mobile": hPhone, "telephone": hPhone, "tel": hPhone, "mobilephone": hPhone, "cellphone": hPhone,
	"city": hCity, "town": hCity,
	"country": hCountry, "countryname": hCountry,
	"countrycode": hCountryCode, "countryiso": hCountryCode,
	"state": hState, "province": hState, "region": hState,
	"zip": hZip, "zipcode": hZip, "postalcode": hZip, "postcode": hZip,
	"street": hStreet, "address": hStreet, "addressline": hStreet, "addressline1": hStreet, "streetaddress": hStreet, "address1": hStreet,
	"url": hURL, "website": hURL, "homepage": hURL, "link": hURL, "href": hURL, "uri": hURL, "webpage": hURL, "callbackurl": hURL,
	"avatar": hImage, "avatarurl": hImage, "image": hImage, "imageurl": hImage, "photo": hImage, "photourl": hImage, "picture": hImage,
	"thumbnail": hImage, "thumbnailurl": hImage, "logo": hImage, "logourl": hImage, "icon": hImage, "iconurl": hImage, "profileimage": hImage,
	"company": hCompany, "organization": hCompany, "organisation": hCompany, "companyname": hCompany, "employer": hCompany, "org": hCompany,
	"title": hTitle, "jobtitle": hTitle, "headline": hTitle, "subject": hTitle,
	"description": hText, "summary": hText, "bio": hText, "comment": hText, "message": hText, "text": hText, "body": hText,
	"content": hText, "note": hText, "notes": hText, "details": hText, "about": hText, "reason": hText,
	"price": hMoney, "amount": hMoney, "cost": hMoney, "balance": hMoney, "subtotal": hMoney, "fee": hMoney, "salary": hMoney, "unitprice": hMoney, "totalprice": hMoney, "totalamount": hMoney,
	"total":    hCount,
	"currency": hCurrency, "currencycode": hCurrency,
	"timestamp": hDateTime, "datetime": hDateTime, "time": hDateTime, "created": hDateTime, "updated": hDateTime, "modified": hDateTime, "expires": hDateTime, "lastlogin": hDateTime,
	"date": hDate, "birthday": hDate, "birthdate": hDate, "dob": hDate, "dateofbirth": hDate,
	"id": hID, "uuid": hID, "guid": hID,
	"latitude": hLat, "lat": hLat,
	"longitude": hLng, "lng": hLng, "lon": hLng, "long": hLng,
	"color": hColor, "colour": hColor,
	"ip": hIP, "ipaddress": hIP, "ipv4": hIP, "remoteaddr": hIP, "clientip": hIP,
	"useragent": hUserAgent,
	"locale":    hLocale, "language": hLocale, "lang": hLocale, "languagecode": hLocale,
	"token": hToken, "accesstoken": hToken, "refreshtoken": hToken, "apikey": hToken, "secret": hToken, "hash": hToken, "checksum": hToken, "etag": hToken, "sha": hToken,
	"age":   hAge,
	"count": hCount, "size": hCount, "quantity": hCount, "qty": hCount, "limit": hCount, "offset": hCount, "page": hCount, "pagesize": hCount, "perpage": hCount, "totalcount": hCount, "stock": hCount,
	"status":  hStatus,
	"slug":    hSlug,
	"version": hVersion, "semver": hVersion,
	"tag": hTag, "tags": hTag, "keyword": hTag, "keywords": hTag, "category": hTag, "categories": hTag, "label": hTag, "labels": hTag,
	"password": hPassword, "passwd": hPassword, "pwd": hPassword,
	"year":   hYear,
	"rating": hRating, "stars": hRating, "score": hRating,
	"percent": hPercent, "percentage": hPercent, "progress": hPercent,
	"port":   hPort,
	"domain": hDomain, "hostname": hDomain, "host": hDomain, "domainname": hDomain,
}

// hint returns the realistic-data hint for a property name (cached).
func (g *Generator) hint(name string) hint {
	if name == "" {
		return hNone
	}
	if v, ok := g.hints.Load(name); ok {
		return v.(hint)
	}
	h := computeHint(name)
	g.store(&g.hints, name, h)
	return h
}

func computeHint(name string) hint {
	var b strings.Builder
	for _, r := range name {
		if r == '_' || r == '-' || r == ' ' || r == '.' {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	n := b.String()
	if h, ok := exactHints[n]; ok {
		return h
	}
	// Suffix rules on the original spelling (camelCase or snake_case).
	lower := strings.ToLower(name)
	switch {
	case strings.HasPrefix(name, "is") && len(name) > 2 && unicode.IsUpper(rune(name[2])),
		strings.HasPrefix(name, "has") && len(name) > 3 && unicode.IsUpper(rune(name[3])),
		strings.HasPrefix(lower, "is_"), strings.HasPrefix(lower, "has_"):
		return hNone
	case strings.HasSuffix(name, "At") || strings.HasSuffix(lower, "_at") || strings.HasSuffix(n, "timestamp") || strings.HasSuffix(n, "datetime"):
		return hDateTime
	case strings.HasSuffix(name, "Date") || strings.HasSuffix(lower, "_date") || strings.HasSuffix(name, "On") || strings.HasSuffix(lower, "_on"):
		return hDate
	case strings.HasSuffix(name, "Id") || strings.HasSuffix(name, "ID") || strings.HasSuffix(lower, "_id") || strings.HasSuffix(n, "uuid"):
		return hID
	case strings.HasSuffix(n, "email"):
		return hEmail
	case strings.HasSuffix(n, "firstname"):
		return hFirstName
	case strings.HasSuffix(n, "lastname"):
		return hLastName
	case strings.HasSuffix(n, "phone") || strings.HasSuffix(n, "phonenumber"):
		return hPhone
	case strings.HasSuffix(n, "imageurl") || strings.HasSuffix(n, "avatarurl") || strings.HasSuffix(n, "photourl") || strings.HasSuffix(n, "avatar"):
		return hImage
	case strings.HasSuffix(n, "url") || strings.HasSuffix(n, "uri") || strings.HasSuffix(n, "link"):
		return hURL
	case strings.HasSuffix(n, "price") || strings.HasSuffix(n, "amount") || strings.HasSuffix(n, "cost"):
		return hMoney
	case strings.HasSuffix(n, "count") || strings.HasSuffix(n, "quantity"):
		return hCount
	case strings.HasSuffix(name, "Year") || strings.HasSuffix(lower, "_year"):
		return hYear
	case strings.HasSuffix(n, "percent") || strings.HasSuffix(n, "percentage"):
		return hPercent
	case strings.HasSuffix(n, "description") || strings.HasSuffix(n, "message") || strings.HasSuffix(n, "comment"):
		return hText
	case strings.HasSuffix(n, "name"):
		return hWord
	case strings.HasSuffix(n, "token") || strings.HasSuffix(n, "hash") || strings.HasSuffix(n, "key"):
		return hToken
	case strings.HasSuffix(n, "address") && !strings.Contains(n, "ip"):
		return hStreet
	case strings.HasSuffix(n, "ip") || strings.HasSuffix(n, "ipaddress"):
		return hIP
	case strings.HasSuffix(n, "code"):
		return hNone
	case strings.HasSuffix(n, "status"):
		return hStatus
	}
	return hNone
}

// thisYear bounds generated years: a year field never lies in the future.
var thisYear = time.Now().Year()

// hintRange is the realistic numeric range for a hint.
func hintRange(h hint, integer bool) numRange {
	switch h {
	case hID:
		return numRange{1, 100000, 0}
	case hAge:
		return numRange{18, 90, 0}
	case hCount:
		return numRange{0, 100, 0}
	case hMoney:
		return numRange{1, 1000, 2}
	case hLat:
		return numRange{-90, 90, 6}
	case hLng:
		return numRange{-180, 180, 6}
	case hYear:
		return numRange{1970, float64(thisYear), 0}
	case hRating:
		return numRange{1, 5, 1}
	case hPercent:
		return numRange{0, 100, 1}
	case hPort:
		return numRange{1024, 65535, 0}
	}
	if integer {
		return numRange{1, 1000, 0}
	}
	return numRange{0, 1000, 2}
}

var statuses = []string{"active", "pending", "inactive", "completed"}

// hintString returns a realistic string for h, or "".
func (c *ctx) hintString(h hint) string {
	f := c.f
	switch h {
	case hEmail:
		return c.email()
	case hFirstName:
		return f.FirstName()
	case hLastName:
		return f.LastName()
	case hFullName:
		return f.FirstName() + " " + f.LastName()
	case hUsername:
		return strings.ToLower(f.Username())
	case hPhone:
		return f.Phone()
	case hCity:
		return f.City()
	case hCountry:
		return f.Country()
	case hCountryCode:
		return f.CountryAbr()
	case hState:
		return f.State()
	case hZip:
		return f.Zip()
	case hStreet:
		return f.Street()
	case hURL:
		return c.url()
	case hImage:
		return fmt.Sprintf("https://picsum.photos/seed/%d/%d/%d", f.Rand.Intn(100000), 100*(1+f.Rand.Intn(8)), 100*(1+f.Rand.Intn(8)))
	case hCompany:
		return f.Company()
	case hTitle:
		return strings.TrimSuffix(f.Sentence(3+f.Rand.Intn(3)), ".")
	case hText:
		return f.Sentence(6 + f.Rand.Intn(8))
	case hCurrency:
		return f.CurrencyShort()
	case hDateTime:
		return c.dateTime(0)
	case hDate:
		return c.date()
	case hID:
		return f.UUID()
	case hColor:
		return strings.ToLower(f.Color())
	case hIP:
		return f.IPv4Address()
	case hUserAgent:
		return f.UserAgent()
	case hLocale:
		return f.LanguageAbbreviation()
	case hToken:
		return c.hex(32)
	case hStatus:
		return statuses[f.Rand.Intn(len(statuses))]
	case hSlug:
		return strings.ToLower(f.Adjective() + "-" + f.Noun() + "-" + f.Noun())
	case hVersion:
		return fmt.Sprintf("%d.%d.%d", f.Rand.Intn(5), f.Rand.Intn(20), f.Rand.Intn(30))
	case hTag:
		return strings.ToLower(f.Noun())
	case hPassword:
		return f.Password(true, true, true, false, false, 12)
	case hDomain:
		return c.domain()
	case hWord:
		return titleCase(f.Adjective() + " " + f.Noun())
	case hLat:
		return fmt.Sprintf("%.6f", f.Latitude())
	case hLng:
		return fmt.Sprintf("%.6f", f.Longitude())
	case hAge:
		return fmt.Sprint(18 + f.Rand.Intn(70))
	case hYear:
		return fmt.Sprint(1970 + f.Rand.Intn(thisYear-1970+1))
	}
	return ""
}

func titleCase(s string) string {
	words := strings.Fields(s)
	for i, w := range words {
		if w != "" {
			words[i] = strings.ToUpper(w[:1]) + w[1:]
		}
	}
	return strings.Join(words, " ")
}

// singular guesses the item name for an array property name.
func singular(name string) string {
	switch {
	case name == "":
		return ""
	case strings.HasSuffix(name, "ies") && len(name) > 3:
		return name[:len(name)-3] + "y"
	case strings.HasSuffix(name, "sses"), strings.HasSuffix(name, "xes"):
		return name[:len(name)-2]
	case strings.HasSuffix(name, "s") && !strings.HasSuffix(name, "ss") && len(name) > 1:
		return name[:len(name)-1]
	}
	return name
}
