package importx_test

import (
	"fmt"
	"strings"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/i18n"
	"github.com/yiyeyicha/yiyeyicha/internal/importx"
)

// A file with a wrong check character in row 3 and a code repeated in rows
// 2 and 4: every bad row is reported, by the number the spreadsheet shows,
// in the user's language.
func ExampleReadEntities() {
	ref := importx.Reference{
		Industries: []domain.Industry{{Code: "catering", Name: "餐饮服务"}},
		Townships:  []domain.Township{{Code: "140827100", Name: "新城镇"}},
	}
	file := "统一社会信用代码,名称,行业,乡镇,信用风险分类\n" +
		"91350100M000100Y43,垣曲县甲饭店,餐饮服务,新城镇,A\n" +
		"91310115MA1H8R7C6D,垣曲县乙饭店,餐饮服务,新城镇,B\n" +
		"91350100M000100Y43,垣曲县丙饭店,餐饮服务,新城镇,C\n"
	_, err := importx.ReadEntities(strings.NewReader(file), "entities.csv", ref, importx.Options{})
	fmt.Println(i18n.For(i18n.ZH).Err(err))
	fmt.Println(i18n.For(i18n.EN).Err(err))
	// Output:
	// 第 2 行 统一社会信用代码: 此统一社会信用代码在第 4 行再次出现; 第 3 行 统一社会信用代码: 统一社会信用代码校验位错误; 第 4 行 统一社会信用代码: 与第 2 行的统一社会信用代码重复
	// Row 2 Credit code: this credit code appears again in row(s) 4; Row 3 Credit code: credit code check character is wrong; Row 4 Credit code: repeats the credit code of row 2
}
