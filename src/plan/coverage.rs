//! How much of a plan is decided, per category and overall.

use super::{Plan, QuestionState};
use crate::packs::Category;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CategoryCoverage {
    pub category: Category,
    pub total: usize,
    pub answered: usize,
    pub skipped: usize,
}

impl CategoryCoverage {
    pub fn open(&self) -> usize {
        self.total - self.answered - self.skipped
    }

    /// Answered or skipped with a reason, in whole percent.
    pub fn percent(&self) -> u32 {
        percent(self.answered + self.skipped, self.total)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Coverage {
    /// In `Category::ALL` order, only categories the plan has.
    pub categories: Vec<CategoryCoverage>,
    pub total: usize,
    pub answered: usize,
    pub skipped: usize,
    pub critical_open: usize,
}

fn percent(part: usize, total: usize) -> u32 {
    (part * 100).checked_div(total).map_or(100, |p| p as u32)
}

impl Coverage {
    pub fn of(plan: &Plan) -> Coverage {
        let mut categories: Vec<CategoryCoverage> = Vec::new();
        for cat in Category::ALL {
            let mut c = CategoryCoverage {
                category: cat,
                total: 0,
                answered: 0,
                skipped: 0,
            };
            for q in plan.questions.iter().filter(|q| q.category == cat) {
                c.total += 1;
                match plan.state(&q.id) {
                    QuestionState::Answered { .. } => c.answered += 1,
                    QuestionState::Skipped { .. } => c.skipped += 1,
                    QuestionState::Open => {}
                }
            }
            if c.total > 0 {
                categories.push(c);
            }
        }
        Coverage {
            total: categories.iter().map(|c| c.total).sum(),
            answered: categories.iter().map(|c| c.answered).sum(),
            skipped: categories.iter().map(|c| c.skipped).sum(),
            critical_open: plan.critical_open().len(),
            categories,
        }
    }

    pub fn open(&self) -> usize {
        self.total - self.answered - self.skipped
    }

    pub fn percent(&self) -> u32 {
        percent(self.answered + self.skipped, self.total)
    }
}
