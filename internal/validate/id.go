package validate

import "time"

var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

const idCheckMap = "10X98765432"

// Problems of resident ID numbers.
const (
	IDLength   Problem = "length"   // not 18 characters
	IDCharset  Problem = "charset"  // not 17 digits and a digit or X
	IDBirth    Problem = "birth"    // the birth date is not a real date
	IDChecksum Problem = "checksum" // ISO 7064 MOD 11-2 check fails
)

// CheckResidentID checks an 18-character resident ID number (GB 11643,
// ISO 7064 MOD 11-2) after NormalizeCode.
func CheckResidentID(id string) Problem {
	if id == "" {
		return CodeEmpty
	}
	if len(id) != 18 {
		return IDLength
	}
	sum := 0
	for i := 0; i < 17; i++ {
		c := id[i]
		if c < '0' || c > '9' {
			return IDCharset
		}
		sum += int(c-'0') * idWeights[i]
	}
	if last := id[17]; (last < '0' || last > '9') && last != 'X' {
		return IDCharset
	}
	if _, err := time.Parse("20060102", id[6:14]); err != nil {
		return IDBirth
	}
	if idCheckMap[sum%11] != id[17] {
		return IDChecksum
	}
	return OK
}

// ResidentIDCheck returns the check character for 17 digits, or 0.
func ResidentIDCheck(first17 string) byte {
	if len(first17) != 17 {
		return 0
	}
	sum := 0
	for i := 0; i < 17; i++ {
		c := first17[i]
		if c < '0' || c > '9' {
			return 0
		}
		sum += int(c-'0') * idWeights[i]
	}
	return idCheckMap[sum%11]
}
